import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { request } from 'undici';
import { repoRoot, spawnGameday, tempHome } from '../cli-process.js';
import { alive, waitFor } from './helpers.js';

// The real CLI as a child process: `gameday fleet examples/fleet/fleet.yaml` with a gateway, then SIGTERM.


test('gameday fleet starts the declared instances and a gateway, serves through it, and leaves no process after SIGTERM', async (t) => {
  const home = tempHome('gameday-fleet-');
  t.after(() => home.remove());
  const cli = spawnGameday(['fleet', join(repoRoot, 'examples', 'fleet', 'fleet.yaml'), '--control', '127.0.0.1:0', '--gateway', '127.0.0.1:0', '--gateway-control', '127.0.0.1:0'], home.dir);
  t.after(() => void cli.child.kill('SIGKILL'));
  await waitFor('the CLI to print its URLs', () => /gateway control API: http/.test(cli.stdout()) || cli.child.exitCode !== null, 30_000);
  assert.equal(cli.child.exitCode, null, cli.stderr());
  const rows = cli.stdout().split('\n').filter((line) => line.startsWith('hello/'));
  assert.deepEqual(rows.map((row) => row.split(/\s+/).slice(0, 2)), [['hello/us-east/0', 'healthy'], ['hello/us-east/1', 'healthy'], ['hello/us-west/0', 'healthy']]);
  const pids = rows.map((row) => Number(row.split(/\s+/)[2]));
  const gatewayUrl = /gateway \(hello\): (http:\/\/\S+)/.exec(cli.stdout())![1];
  const controlUrl = /fleet control API: (http:\/\/\S+)/.exec(cli.stdout())![1];
  const response = await request(`${gatewayUrl}/`);
  assert.equal(response.statusCode, 200);
  assert.match(await response.body.text(), /^hello from hello\/us-(east|west)\/\d in us-(east|west)/);
  const instances = await request(`${controlUrl}/instances`);
  assert.equal(((await instances.body.json()) as unknown[]).length, 3);
  cli.child.kill('SIGTERM');
  const [code] = await once(cli.child, 'exit');
  assert.equal(code, 0, cli.stderr());
  assert.match(cli.stderr(), /SIGTERM: reverted 0 fault\(s\), stopped every instance/);
  await waitFor('every instance to be gone', () => pids.every((pid) => !alive(pid)), 5000);
});

test('gameday fleet refuses a bad declaration with file:line:column and field path, exit 3, nothing started', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gameday-fleet-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'fleet.yaml');
  writeFileSync(file, 'services:\n  - name: web\n    command: [node, x.js]\n    regions: { us-east: many }\n    restrat: never\n');
  const bad = spawnGameday(['fleet', file, '--control', '127.0.0.1:0'], dir);
  const [code] = await once(bad.child, 'exit');
  assert.equal(code, 3);
  const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  assert.match(bad.stderr(), new RegExp(`${escaped}:4:25 services\\[0\\]\\.regions\\.us-east: .*number`));
  assert.match(bad.stderr(), new RegExp(`${escaped}:5:5 services\\[0\\]\\.restrat: unknown field`));
  assert.doesNotMatch(bad.stdout() + bad.stderr(), /starting/);
});
