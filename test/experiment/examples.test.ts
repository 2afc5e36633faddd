import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadExperimentFile } from '../../src/experiment/load-file.js';
import { repoRoot } from './world.js';

test('every experiment in examples/ is valid', async () => {
  const folder = join(repoRoot, 'examples');
  const files = readdirSync(folder).filter((f) => /\.(ya?ml|json)$/.test(f) && f !== 'proxies.json');
  assert.ok(files.length >= 3, `examples: ${files.join(', ')}`);
  for (const file of files) {
    const { experiment } = await loadExperimentFile(join(folder, file));
    assert.ok(experiment.method.length > 0, file);
  }
});
