// The loop closing, for real: a COE's action item names an experiment; `gameday run` of that experiment
// against a real HTTP service marks the item verified when the hypothesis holds and reopens it when it is
// violated; `gameday coe actions` and the control room's COE pages show the state the runs left.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { spawnGameday, tempHome, type GamedayProcess } from '../cli-process.js';

const home = tempHome('gameday-coe-loop-');
let service: Server;
/** The system under test: broken until the fix ships. */
let fixed = false;
const started: GamedayProcess[] = [];

before(async () => {
  service = createServer((_request, response) => {
    response.writeHead(fixed ? 200 : 503, { 'content-type': 'text/plain' });
    response.end(fixed ? 'ok\n' : 'the dependency is down\n');
  });
  service.listen(0, '127.0.0.1');
  await once(service, 'listening');
});
after(async () => {
  for (const process of started) process.child.kill('SIGKILL');
  service?.close();
  home.remove();
});

const gameday = (...args: string[]) => spawnGameday(args, home.dir).done;

interface Item { coeId: string; id: string; state: string; open: boolean; lastFact?: { runId: string; fact: string; verdict: string; source: string } }
const itemsOf = async (...flags: string[]): Promise<Item[]> => {
  const result = await gameday('coe', 'actions', '--json', ...flags);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as Item[];
};

const runIdOf = (stdout: string) => /run folder: .*[\\/](\d{8}-\d{6}-[0-9a-f]+)\s*$/m.exec(stdout)?.[1];

test('an action item is verified by a run of its experiment that holds, and reopened by one that is violated', { timeout: 200_000 }, async () => {
  const port = (service.address() as AddressInfo).port;
  home.write('checkout-tolerates.yaml', `title: checkout answers while its dependency is down
loads:
  shop: { url: "http://127.0.0.1:${port}/", rate: 20/s, connections: 8, timeout: 2s }
hypothesis:
  window: 1s
  objectives:
    - { name: checkout availability, sli: availability, source: shop, min: 95% }
method:
  - wait: 1s
`);
  // The COE lives in its own folder; its item names the experiment relative to itself.
  mkdirSync(join(home.dir, 'reviews'));
  home.write('reviews/checkout.md', `---
kind: coe
title: Checkout failed while its dependency was down
actions:
  - id: A1
    action: Serve checkout from a cache when the dependency does not answer.
    owner: checkout team
    due: 2026-01-15
    kind: mitigate
    state: in-progress
    experiment: ../checkout-tolerates.yaml
  - id: A2
    action: Page on the checkout SLI.
    owner: observability team
    due: 2099-01-01
    kind: detect
    state: open
---
# Checkout failed while its dependency was down
`);
  const added = await gameday('coe', 'add', 'reviews/checkout.md');
  assert.equal(added.code, 0, added.stderr);
  assert.match(added.stdout, /registered reviews\/checkout\.md as COE checkout: 2 action items, 1 verified by an experiment/);
  let [a1] = (await itemsOf('--owner', 'checkout team'));
  assert.deepEqual([a1.id, a1.state, a1.open, a1.lastFact], ['A1', 'in-progress', true, undefined]);
  assert.deepEqual((await itemsOf('--overdue')).map((i) => i.id), ['A1'], 'past its due date and open');

  fixed = true;
  const held = await gameday('run', 'checkout-tolerates.yaml');
  assert.equal(held.code, 0, held.stdout + held.stderr);
  const heldRun = runIdOf(held.stdout);
  assert.ok(heldRun, held.stdout);
  assert.match(held.stdout, /COE checkout action item A1: verified by this run \(held\)/);
  assert.deepEqual((await itemsOf()).map((i) => i.id), ['A2'], 'a verified item is closed');
  [a1] = (await itemsOf('--all', '--owner', 'checkout team'));
  assert.deepEqual([a1.state, a1.open, a1.lastFact?.runId, a1.lastFact?.source], ['verified', false, heldRun, `run ${heldRun}`]);

  fixed = false;
  const violated = await gameday('run', join(home.dir, 'checkout-tolerates.yaml'));
  assert.equal(violated.code, 1, violated.stdout + violated.stderr);
  const violatedRun = runIdOf(violated.stdout);
  assert.match(violated.stdout, /COE checkout action item A1: reopened by this run \(violated\)/);
  [a1] = (await itemsOf('--owner', 'checkout team'));
  assert.deepEqual([a1.state, a1.open, a1.lastFact?.runId, a1.lastFact?.verdict], ['reopened', true, violatedRun, 'violated']);
  const text = await gameday('coe', 'actions');
  assert.match(text.stdout, /checkout team\n {2}checkout A1 {2}2026-01-15 {2}reopened OVERDUE {2}Serve checkout from a cache/);
  assert.match(text.stdout, new RegExp(`experiment \\.\\./checkout-tolerates\\.yaml; reopened by run ${violatedRun} \\(violated\\)`));

  // An edit that calls the item done does not close it: only a run that holds can.
  home.write('reviews/checkout.md', readFileSync(join(home.dir, 'reviews/checkout.md'), 'utf8').replace('state: in-progress', 'state: done'));
  assert.match((await gameday('coe', 'add', 'reviews/checkout.md')).stdout, /registered a new version of/);
  [a1] = (await itemsOf('--owner', 'checkout team'));
  assert.deepEqual([a1.state, (a1 as Item & { fileState: string }).fileState], ['reopened', 'done']);

  // The control room shows the same: the list with the open items by owner, and the COE with its findings.
  const serve = spawnGameday(['serve', '--listen', '127.0.0.1:0'], home.dir);
  started.push(serve);
  const url = await waitForUrl(serve);
  assert.match(serve.stderr(), /coes +1 COE, 2 open action items \(\/coes\)/);
  const list = await fetch(`${url}/coes`);
  assert.equal(list.status, 200);
  const listHtml = await list.text();
  assert.match(listHtml, /<a href="\/coes\/checkout">Checkout failed while its dependency was down<\/a>/);
  assert.match(listHtml, /<span class="state state-reopened">reopened<\/span> <strong class="overdue">overdue<\/strong>/);
  assert.match(listHtml, /aria-current="page">COEs</);
  const one = await fetch(`${url}/coes/checkout`);
  assert.equal(one.status, 200);
  const oneHtml = await one.text();
  assert.match(oneHtml, new RegExp(`reopened by run ${violatedRun} \\(violated\\)`));
  assert.match(oneHtml, /missing section &quot;Summary&quot;/, 'the check\'s findings are on the page');
  const api = (await (await fetch(`${url}/api/coes/actions?owner=checkout%20team`)).json()) as Item[];
  assert.deepEqual(api.map((i) => [i.id, i.state]), [['A1', 'reopened']]);
  assert.equal((await fetch(`${url}/coes/nope`)).status, 404);
  assert.equal((await fetch(`${url}/coes/..%2Fetc`)).status, 400);
  serve.child.kill('SIGINT');
  assert.equal((await serve.done).code, 0);
});

async function waitForUrl(process: GamedayProcess): Promise<string> {
  const started = Date.now();
  while (Date.now() - started < 60_000) {
    const url = /control room on (http:\/\/\S+);/.exec(process.stderr())?.[1];
    if (url && /coes +\d/.test(process.stderr())) return url;
    if (process.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`gameday serve did not start:\n${process.stderr()}`);
}
