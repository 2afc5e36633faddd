// `gameday run` end to end with real processes: an HTTP service, the real fault proxy in its own process,
// real load, and the gameday CLI as a child process. Experiments are 3–8 s so the file stays fast.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { journalOf, proxyExperiment, spawnGameday, startProxyProcess, startService, tempHome, waitFor, type ProxyProcess, type Service } from './world.js';

let service: Service;
let proxy: ProxyProcess;
let home: ReturnType<typeof tempHome>;

before(async () => {
  service = await startService();
  proxy = await startProxyProcess(service.url);
  home = tempHome();
});

after(async () => {
  await proxy?.close();
  await service?.close();
  home?.remove();
});

const experiment = (body: string) => proxyExperiment(proxy, body);

async function assertProxyClean(): Promise<void> {
  assert.deepEqual(await proxy.toxics(), [], 'no toxic may remain on the proxy');
  assert.deepEqual(await proxy.leases(), [], 'no lease may remain on the proxy');
}

test('a hypothesis that holds exits 0 and leaves journal.json, the reports and a row in `gameday runs`', async () => {
  const file = home.write('holds.yaml', experiment(`hypothesis:
  window: 1s
  objectives:
    - { sli: availability, source: shop, min: 95% }
    - { sli: latency, source: shop, percentile: p99, max: 3s }
method:
  - fault: { kind: latency, target: svc, latency: 50ms, duration: 2s }
`));
  const result = await spawnGameday(['run', file], home.dir).done;
  assert.equal(result.code, 0, result.stderr + result.stdout);
  assert.match(result.stdout, /verdict: HELD \(exit 0\)/);
  const journal = journalOf(result.stdout);
  assert.equal(journal.verdict, 'held');
  assert.equal(journal.exitCode, 0);
  assert.deepEqual(journal.blastRadius.length, 1);
  assert.ok(journal.events.some((e) => e.type === 'fault.injected'));
  assert.ok(journal.events.some((e) => e.type === 'fault.reverted'));
  assert.ok(journal.samples.length > 5, 'SLI samples are journaled');
  assert.deepEqual(new Set(journal.objectives.map((o) => o.phase)), new Set(['before', 'during', 'after']));
  const folder = /run folder: (.+)/.exec(result.stdout)![1];
  assert.ok(existsSync(join(folder, 'report.html')) && existsSync(join(folder, 'report.md')));
  const runs = await spawnGameday(['runs'], home.dir).done;
  assert.equal(runs.code, 0);
  assert.ok(runs.stdout.includes(journal.runId) && runs.stdout.includes('held'), runs.stdout);
  await assertProxyClean();
});

test('a violated hypothesis exits 1 and shows the measured SLI beside the expected', async () => {
  const file = home.write('violated.yaml', experiment(`hypothesis:
  window: 1s
  objectives:
    - { name: shop availability, sli: availability, source: shop, min: 99%, when: [during] }
method:
  - fault: { kind: http-error, target: svc, status: 503, percentage: 50%, duration: 2s }
`));
  const result = await spawnGameday(['run', file], home.dir).done;
  assert.equal(result.code, 1, result.stderr + result.stdout);
  const line = result.stdout.split('\n').find((l) => l.includes('MISSED') && l.includes('shop availability'));
  assert.ok(line, result.stdout);
  const measured = Number(/measured ([\d.]+)%/.exec(line)?.[1]);
  assert.match(line, /expected >= 99%/);
  assert.ok(measured > 20 && measured < 90, `measured ${measured}% with half of the requests failing`);
  assert.equal(journalOf(result.stdout).verdict, 'violated');
  await assertProxyClean();
});

test('a guardrail breach exits 2 and every fault is gone within about a second of the breach', async () => {
  const file = home.write('guardrail.yaml', experiment(`guardrails:
  - { sli: error-rate, source: shop, max: 30%, window: 500ms }
method:
  - fault: { kind: latency, target: svc, latency: 20ms }
  - wait: 500ms
  - fault: { kind: http-error, target: svc, status: 500, duration: 6s }
rollbacks:
  - http: { url: "${service.url}/rollback", method: POST }
`));
  const run = spawnGameday(['run', file], home.dir);
  // Confirm on the proxy's own API, while the run is live, that both faults were really injected.
  await waitFor('two toxics on the proxy', async () => (await proxy.toxics()).length === 2, 10_000);
  const result = await run.done;
  assert.equal(result.code, 2, result.stderr + result.stdout);
  await assertProxyClean();
  const journal = journalOf(result.stdout);
  assert.equal(journal.verdict, 'aborted');
  const breach = journal.events.find((e) => e.type === 'guardrail.breach');
  assert.ok(breach, 'the breach is journaled');
  const reverts = journal.events.filter((e) => e.type === 'fault.reverted');
  assert.equal(reverts.length, 2);
  const breachToRevertMs = Math.max(...reverts.map((e) => e.atMs)) - breach.atMs;
  assert.ok(breachToRevertMs >= 0 && breachToRevertMs <= 1000, `breach to full revert took ${breachToRevertMs} ms`);
  assert.match(result.stdout, /verdict: ABORTED \(exit 2\)/);
  assert.ok(service.requests.includes('POST /rollback'), 'rollbacks run after an abort too');
  assert.match(result.stderr, /blast radius:\n  - latency 20ms on downstream on proxy svc/);
});

test('kill -9 of the run process mid-fault leaves no fault on the proxy after the lease TTL', async () => {
  const file = home.write('killed.yaml', experiment(`settings: { leaseTtl: 1s }
method:
  - fault: { kind: latency, target: svc, latency: 100ms }
  - wait: 20s
`));
  const run = spawnGameday(['run', file], home.dir);
  await waitFor('the fault on the proxy', async () => (await proxy.toxics()).length === 1, 15_000);
  run.child.kill('SIGKILL');
  await run.done;
  const killedAt = Date.now();
  const elapsed = await waitFor('the proxy to revert the fault by itself', async () => (await proxy.toxics()).length === 0, 6000);
  assert.ok(Date.now() - killedAt <= 1000 + 3000, `the fault outlived its 1s lease by ${elapsed - 1000} ms`);
  await assertProxyClean();
  assert.match((await spawnGameday(['runs'], home.dir).done).stdout, /died \(no end recorded/);
});

test('gameday halt clears the faults of a SIGSTOPped run long before its lease would expire', async (t) => {
  const file = home.write('wedged.yaml', experiment(`settings: { leaseTtl: 60s }
method:
  - fault: { kind: http-delay, target: svc, delay: 100ms }
  - wait: 30s
`));
  const run = spawnGameday(['run', file], home.dir);
  t.after(() => {
    run.child.kill('SIGKILL');
  });
  await waitFor('the fault on the proxy', async () => (await proxy.toxics()).length === 1, 15_000);
  run.child.kill('SIGSTOP');
  const halt = await spawnGameday(['halt'], home.dir).done;
  assert.equal(halt.code, 0, halt.stderr + halt.stdout);
  assert.match(halt.stdout, /released 1 lease/);
  // Within seconds, not the 60 s TTL: the proxy released the lease on halt's request.
  await waitFor('the fault to be gone', async () => (await proxy.toxics()).length === 0, 3000);
  await assertProxyClean();
  const runs = await spawnGameday(['runs'], home.dir).done;
  assert.match(runs.stdout, /running|halted/);
  run.child.kill('SIGKILL');
  await run.done;
});

test('a live run whose lease is released by gameday halt aborts with exit 2', async () => {
  const file = home.write('halted.yaml', experiment(`settings: { leaseTtl: 1500ms }
method:
  - fault: { kind: latency, target: svc, latency: 10ms }
  - wait: 20s
`));
  const run = spawnGameday(['run', file], home.dir);
  await waitFor('the fault on the proxy', async () => (await proxy.toxics()).length === 1, 15_000);
  const halt = await spawnGameday(['halt'], home.dir).done;
  assert.equal(halt.code, 0, halt.stderr);
  const result = await run.done;
  assert.equal(result.code, 2, result.stderr + result.stdout);
  assert.match(result.stdout, /aborted .*(lease lost|halted by gameday halt)/);
  assert.match((await spawnGameday(['runs'], home.dir).done).stdout, /aborted \(halted\)/);
  await assertProxyClean();
});

test('Ctrl-C (SIGINT) aborts the run, reverts every fault and exits 2', async () => {
  const file = home.write('interrupted.yaml', experiment(`method:
  - fault: { kind: http-delay, target: svc, delay: 10ms }
  - wait: 20s
`));
  const run = spawnGameday(['run', file], home.dir);
  await waitFor('the fault on the proxy', async () => (await proxy.toxics()).length === 1, 15_000);
  run.child.kill('SIGINT');
  const result = await run.done;
  assert.equal(result.code, 2, result.stderr + result.stdout);
  assert.match(result.stdout, /stopped by the operator/);
  await assertProxyClean();
});

test('--dry-run lists what would be touched, in order and for how long, and touches nothing', async (t) => {
  const file = home.write('dry.yaml', experiment(`hypothesis:
  objectives: [{ sli: availability, source: shop, min: 99% }]
method:
  - wait: 1s
  - fault: { kind: latency, target: svc, latency: 200ms, duration: 3s }
  - fault: { kind: http-abort, target: svc, percentage: 10%, match: { path: /api } }
  - wait: 2s
`));
  // A fresh home: a dry run must not even create the store or a run folder.
  const fresh = tempHome();
  t.after(() => fresh.remove());
  const result = await spawnGameday(['run', file, '--dry-run'], fresh.dir).done;
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /latency 200ms on downstream on proxy svc .* for 3s/);
  assert.match(result.stdout, /HTTP abort for 10% of \/api\* on proxy svc .* until the method ends/);
  const timeline = result.stdout.slice(result.stdout.indexOf('Timeline:'));
  const order = ['start load shop', 'check steady state before', 'wait 1s', 'inject latency', 'revert latency', 'inject HTTP abort', 'wait 2s', 'revert HTTP abort', 'check steady state after'];
  let at = 0;
  for (const text of order) {
    const index = timeline.indexOf(text, at);
    assert.ok(index >= at, `"${text}" missing or out of order in:\n${timeline}`);
    at = index;
  }
  assert.match(result.stdout, /nothing was touched/);
  await assertProxyClean();
  assert.equal(existsSync(join(fresh.dir, '.gameday')), false, 'a dry run writes nothing');
});

test('bad input and unreachable targets exit 3 with a clear message and touch nothing', async () => {
  const invalid = home.write('invalid.yaml', experiment(`method:
  - fault: { kind: latency, target: svc, latency: fast }
`));
  const bad = await spawnGameday(['run', invalid], home.dir).done;
  assert.equal(bad.code, 3);
  assert.match(bad.stderr, /invalid\.yaml:7:51 method\[0\]\.fault\.latency: expected a duration like 250ms/);
  const validate = await spawnGameday(['validate', invalid], home.dir).done;
  assert.equal(validate.code, 3);

  const missing = home.write('missing.yaml', experiment(`method:
  - fault: { kind: latency, target: svc, latency: 10ms, duration: 1s }
`).replace('proxy: svc', 'proxy: nope'));
  const noProxy = await spawnGameday(['run', missing], home.dir).done;
  assert.equal(noProxy.code, 3);
  assert.match(noProxy.stderr, /no proxy named "nope".*it has: svc/);

  const down = home.write('down.yaml', experiment(`method:
  - fault: { kind: latency, target: svc, latency: 10ms, duration: 1s }
`).replace(proxy.controlUrl, 'http://127.0.0.1:9'));
  const unreachable = await spawnGameday(['run', down], home.dir).done;
  assert.equal(unreachable.code, 3);
  assert.match(unreachable.stderr, /unreachable/);
  assert.match(unreachable.stderr, /nothing was touched/);
  await assertProxyClean();
});

test('a proxy selector that matches more proxies than the declared max is refused, nothing touched', async (t) => {
  const create = (name: string) =>
    fetch(`${proxy.controlUrl}/proxies`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, listen: '127.0.0.1:0', upstream: new URL(service.url).host }) });
  await create('svc-a');
  await create('svc-b');
  t.after(async () => {
    for (const name of ['svc-a', 'svc-b']) await fetch(`${proxy.controlUrl}/proxies/${name}`, { method: 'DELETE' });
  });
  const file = home.write('selector.yaml', experiment(`method:
  - fault: { kind: latency, target: many, latency: 10ms, duration: 1s }
`).replace('targets:\n', `targets:\n  many: { kind: proxy, control: "${proxy.controlUrl}", match: "svc*", max: 2 }\n`));
  const refused = await spawnGameday(['run', file, '--dry-run'], home.dir).done;
  assert.equal(refused.code, 3, refused.stderr + refused.stdout);
  assert.match(refused.stderr, /"svc\*" selects 3 proxies \(svc, svc-a, svc-b\) but the declared blast radius is max 2; refusing/);
  const widened = home.write('selector3.yaml', readFileSync(file, 'utf8').replace('max: 2', 'max: 3'));
  const ok = await spawnGameday(['run', widened, '--dry-run'], home.dir).done;
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout.match(/^  - latency 10ms/gm)?.length, 3, ok.stdout);
  await assertProxyClean();
});

