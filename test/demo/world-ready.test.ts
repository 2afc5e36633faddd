// The demo world, started for real on its fixed ports: when startWorld returns, each region can serve the
// shop on its own (what the flagship needs before it evacuates us-east), and a world that cannot become
// ready within its bound fails with WorldNotReadyError and leaves nothing running.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { request } from 'undici';
import { WorldNotReadyError } from '../../src/demo/readiness.js';
import { startWorld, type World } from '../../src/demo/world.js';
import type { RegionView } from '../../src/gateway/regions.js';
import { createLogger } from '../../src/observe/log.js';
import { assertDemoPortsFree, eventually, isAlive, openPorts } from './demo-helpers.js';

const log = createLogger('world-ready-test', 'error');
let world: World | undefined;

before(assertDemoPortsFree);
after(() => world?.stop());

test('when the world says it is up, every region serves full pages on its own, with every instance available at the gateway', { timeout: 180_000 }, async (t) => {
  const stages: string[] = [];
  const t0 = performance.now();
  const up = await startWorld({ log, onStage: (line) => stages.push(line) });
  world = up;
  t.diagnostic(`world up in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${stages.filter((s) => s.startsWith('waiting')).length} readiness progress line(s)`);
  assert.match(stages.at(-1)!, /^every region serves full, fast pages on its own/, 'the progress says what the world waited for');

  const regions = (await (await request(`${up.urls.gateway}/regions`)).body.json()) as RegionView[];
  assert.deepEqual(regions.map((r) => r.name).sort(), ['us-east', 'us-west']);
  for (const region of regions) {
    assert.ok(region.instances.length > 0 && region.available === region.instances.length, `${region.name}: ${region.available} of ${region.instances.length} instances available`);
    for (let i = 0; i < 10; i++) {
      const response = await request(up.urls.page, { headers: { 'x-gameday-region': region.name } });
      const page = (await response.body.json()) as { outcome: string; region: string; servedBy: Record<string, { region: string }> };
      assert.equal(response.statusCode, 200);
      assert.equal(page.region, region.name);
      assert.equal(page.outcome, 'full', `${region.name} serves full pages on its own`);
      assert.ok(Object.values(page.servedBy).every((origin) => origin.region === region.name));
    }
  }
  // What refused the flagship on a first run ("the last region with weight > 0 and healthy instances"):
  // the preflight of evacuate-region needs another region with weight and available instances.
  for (const region of regions) assert.ok(region.weight > 0 && !region.evacuating && !region.isolated, `${region.name} takes traffic`);
  const pids = up.pids();
  await up.stop();
  world = undefined;
  await eventually('every world process to exit', () => pids.filter((pid) => pid !== process.pid).every((pid) => !isAlive(pid)), 15_000);
});

test('a world that cannot become ready within its bound fails with what was missing and leaves nothing running', { timeout: 180_000 }, async () => {
  let pids: () => number[] = () => [];
  let started: number[] = [];
  const onStage = (line: string) => line.startsWith('region gateway') && (started = pids().filter((pid) => pid !== process.pid));
  // Two good seconds in a row are needed; a bound shorter than that cannot be met.
  await assert.rejects(startWorld({ log, readyLimitMs: 1, onStage, onProcesses: (list) => (pids = list) }), (error: Error) => {
    assert.ok(error instanceof WorldNotReadyError, String(error));
    assert.match(error.message, /did not become ready within 1ms: every region must serve full, fast pages on its own/);
    assert.match(error.message, /Nothing was injected; the world is stopped\.$/);
    return true;
  });
  assert.ok(started.length >= 20, `the world had started its processes (${started.length})`);
  await eventually('every world process to exit and every port to close', async () => started.every((pid) => !isAlive(pid)) && (await openPorts()).length === 0, 15_000);
  assert.deepEqual(started.filter(isAlive), []);
  assert.deepEqual(await openPorts(), []);
});
