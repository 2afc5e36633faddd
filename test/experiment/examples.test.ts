import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { loadExperimentFile, parseExperiment } from '../../src/experiment/load-file.js';
import { experimentJsonSchema } from '../../src/experiment/schema.js';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { repoRoot, spawnGameday, startProxyProcess, tempHome } from './world.js';

test('every experiment in examples/ is valid', async () => {
  const folder = join(repoRoot, 'examples');
  const files = readdirSync(folder).filter((f) => /\.(ya?ml|json)$/.test(f) && !['proxies.json', 'gameday.schema.json', 'journal.schema.json'].includes(f));
  assert.ok(files.length >= 3, `examples: ${files.join(', ')}`);
  for (const file of files) {
    const { experiment } = await loadExperimentFile(join(folder, file));
    assert.ok(experiment.method.length > 0, file);
  }
});

test('the full example in docs/experiments.md is valid', () => {
  const doc = readFileSync(join(repoRoot, 'docs/experiments.md'), 'utf8');
  const start = doc.indexOf('```yaml\n# yaml-language-server');
  assert.ok(start >= 0, 'the docs have a full example');
  const text = doc.slice(start + '```yaml\n'.length, doc.indexOf('```', start + 8));
  const { experiment } = parseExperiment(text, 'docs/experiments.md');
  assert.deepEqual(Object.keys(experiment.targets), ['recs', 'pricing', 'edge', 'switches']);
});

test('examples/gameday.schema.json is the schema `gameday schema` prints today', () => {
  const committed = JSON.parse(readFileSync(join(repoRoot, 'examples/gameday.schema.json'), 'utf8')) as unknown;
  assert.deepEqual(committed, experimentJsonSchema(), 'regenerate it: gameday schema > examples/gameday.schema.json');
});

test('examples/shop-latency.yaml runs end to end against the shipped keep-alive hello-server and holds', async (t) => {
  // The shipped backend on an OS-picked port, the real fault proxy in front of it, and the example itself
  // with only its addresses rewritten to those (the example's fixed ports are for people, not tests).
  const backend = spawn(process.execPath, [join(repoRoot, 'examples/hello-server.mjs'), '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => void backend.kill('SIGTERM'));
  const [line] = (await once(backend.stdout!, 'data')) as [Buffer];
  const backendUrl = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(line.toString())?.[1];
  assert.ok(backendUrl, line.toString());
  const proxy = await startProxyProcess(backendUrl);
  t.after(() => proxy.close());
  const home = tempHome();
  t.after(() => home.remove());
  const text = readFileSync(join(repoRoot, 'examples/shop-latency.yaml'), 'utf8')
    .replace('http://127.0.0.1:8474', proxy.controlUrl)
    .replace('proxy: shop', 'proxy: svc')
    .replace('http://127.0.0.1:18080/', `${proxy.proxiedUrl}/`);
  const file = home.write('shop-latency.yaml', text);
  const result = await spawnGameday(['run', file], home.dir).done;
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /HELD/);
  assert.deepEqual(await proxy.toxics(), []);
});
