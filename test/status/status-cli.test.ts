// The status page from the command line, the way a user types it: a drill (a `gameday run` in another
// process) shows on the page through its published samples; `gameday status` prints what the store
// measures; declarations are refused when better than measured; bad status.yaml files are refused with
// file, line and field; the export writes the page as files.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { spawnGameday, tempHome } from '../cli-process.js';
import { component, httpStatusYaml, startShop, startStatusRoom, waitFor } from './helpers.js';

test('a run in another process shows as a drill on the status page from its published samples, and gameday status prints it', { timeout: 120_000 }, async (t) => {
  const shop = await startShop();
  t.after(() => shop.close());
  const home = tempHome('gameday-status-cli-');
  t.after(() => home.remove());
  const store = join(home.dir, 'store.db');
  const room = await startStatusRoom(
    httpStatusYaml(
      shop.url,
      `  - id: checkout
    name: Checkout
    slis:
      - { monitor: shoppers, sli: availability, window: 2s, operational: 99%, degraded_performance: 90% }
`,
    ).replace('components:', '  shoppers:\n    run: { load: shoppers, experiment: drill.yaml }\ncomponents:'),
    { store },
  );
  t.after(() => room.close());
  await waitFor('the shop measured', async () => (await component(room.url, 'shop'))?.gameday_status, (s) => s === 'operational');
  const idle = (await component(room.url, 'checkout'))!;
  assert.equal(idle.gameday_status, 'no_data', 'no drill, nothing else measures it');
  assert.match(idle.slis[0].text, /no run of load shoppers is live/);

  // Long enough that the page and two gameday processes started one after the other, on a busy machine, all see it live.
  const experiment = home.write(
    'drill.yaml',
    `title: a drill on the shop\nloads:\n  shoppers: { url: ${shop.url}/product/42, rate: 40/s, timeout: 1s }\nhypothesis: { window: 1s }\nmethod:\n  - wait: 12s\n`,
  );
  const run = spawnGameday(['run', experiment, '--store', store], home.dir);
  t.after(() => void run.child.kill('SIGKILL'));
  await waitFor('the drill on the page', async () => component(room.url, 'checkout'), (c) => c?.gameday_status === 'operational' && (c.drill?.runs.length ?? 0) === 1, 30_000);
  const drilled = (await component(room.url, 'checkout'))!;
  assert.match(drilled.slis[0].source, /^run \d{8}-\d{6}-[0-9a-f]{6}$/);
  assert.match(drilled.slis[0].text, /^availability 100% over 2s$/);
  const page = await (await fetch(`${room.url}/status`)).text();
  assert.match(page, /class="sp-drill">drill: run \d{8}-/);

  const printed = spawnGameday(['status', '--store', store], home.dir);
  const out = await printed.done;
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stdout, /^Test shop: Operational \(computed at .* from .*status\.yaml\)$/m);
  assert.match(out.stdout, /Checkout +Operational +drill: run \d{8}-/);
  assert.match(out.stdout, /availability 100% over 2s \(monitor shop\)/);
  const json = JSON.parse((await spawnGameday(['status', '--json', '--store', store], home.dir).done).stdout) as { components: Array<{ id: string; gameday_status: string }> };
  assert.deepEqual(json.components.map((c) => [c.id, c.gameday_status]), [['shop', 'operational'], ['checkout', 'operational']]);

  assert.equal((await run.done).code, 0, run.stderr());
  await waitFor('the drill is over', async () => component(room.url, 'checkout'), (c) => c?.drill === null && c.gameday_status === 'no_data', 15_000);
});

test('gameday status declare refuses better than measured with the SLI, takes worse; export writes the page; bad files are refused by line', { timeout: 120_000 }, async (t) => {
  const shop = await startShop();
  t.after(() => shop.close());
  const home = tempHome('gameday-status-cli-');
  t.after(() => home.remove());
  const store = join(home.dir, 'store.db');
  const room = await startStatusRoom(httpStatusYaml(shop.url), { store });
  t.after(() => room.close());
  await waitFor('operational', async () => (await component(room.url, 'shop'))?.gameday_status, (s) => s === 'operational');

  const unbreak = await shop.breakIt();
  await waitFor('major outage', async () => (await component(room.url, 'shop'))?.gameday_status, (s) => s === 'major_outage');
  const refused = await spawnGameday(['status', 'declare', 'shop', 'operational', '--message', 'fine', '--by', 'vp', '--store', store], home.dir).done;
  assert.equal(refused.code, 3);
  assert.match(refused.stderr, /^gameday status: Shop cannot be shown operational: its SLI from monitor shop measures major outage: availability \d+(\.\d+)?% over 2s/);
  await unbreak();
  await waitFor('operational again', async () => (await component(room.url, 'shop'))?.gameday_status, (s) => s === 'operational');
  const declared = await spawnGameday(['status', 'declare', 'shop', 'degraded_performance', '--message', 'slow checkouts reported', '--by', 'alice', '--store', store], home.dir).done;
  assert.equal(declared.code, 0, declared.stderr);
  assert.equal((await component(room.url, 'shop'))?.gameday_status, 'degraded_performance');

  const exported = join(home.dir, 'out');
  const exporting = await spawnGameday(['status', 'export', exported, '--store', store], home.dir).done;
  assert.equal(exporting.code, 0, exporting.stderr);
  for (const file of ['index.html', 'api/v2/summary.json', 'api/v2/status.json', 'api/v2/components.json', 'api/v2/incidents.json', 'api/v2/incidents/unresolved.json', 'history.atom', 'history.rss']) {
    assert.ok(existsSync(join(exported, file)), file);
  }
  assert.match(readFileSync(join(exported, 'index.html'), 'utf8'), /Declared degraded performance by alice/);

  const bad = home.write('bad.yaml', 'monitors:\n  shop:\n    http: { url: http://127.0.0.1:1/, every: 1s, timeout: 2s }\ncomponents:\n  - name: Shop\n    slis:\n      - { monitor: nope, sli: availability, operational: 99% }\n');
  const serve = await spawnGameday(['serve', '--status', bad, '--listen', '127.0.0.1:0', '--store', join(home.dir, 'other.db')], home.dir).done;
  assert.equal(serve.code, 3);
  assert.match(serve.stderr, /bad\.yaml:3:\d+ monitors\.shop\.http\.timeout: the timeout \(2000ms\) must not be longer than `every`/);
  assert.match(serve.stderr, /bad\.yaml:7:\d+ components\[0\]\.slis\[0\]\.monitor: expected a declared monitor \(shop\), got "nope"/);
  const schema = JSON.parse((await spawnGameday(['schema', '--status'], home.dir).done).stdout) as { $id: string };
  assert.equal(schema.$id, 'https://gameday.dev/schema/status.json');
});
