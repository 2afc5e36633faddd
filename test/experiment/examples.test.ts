import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { loadExperimentFile, parseExperiment } from '../../src/experiment/load-file.js';
import { experimentJsonSchema } from '../../src/experiment/schema.js';
import { repoRoot } from './world.js';

test('every experiment in examples/ is valid', async () => {
  const folder = join(repoRoot, 'examples');
  const files = readdirSync(folder).filter((f) => /\.(ya?ml|json)$/.test(f) && !['proxies.json', 'gameday.schema.json'].includes(f));
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
