import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadExperimentFile } from '../experiment/load-file.js';
import { compressExperiment } from './quick.js';

const flagship = fileURLToPath(new URL('../../../examples/peak-gameday.yaml', import.meta.url));

test('--quick halves every planned time of the flagship but keeps rates, bounds and guardrail sensitivity', async () => {
  const { experiment } = await loadExperimentFile(flagship);
  const quick = compressExperiment(experiment, 0.5);
  assert.equal(quick.hypothesis.window, experiment.hypothesis.window / 2);
  assert.equal(quick.settings.warmup, experiment.settings.warmup / 2);
  const faultDurations = (e: typeof experiment) => e.method.flatMap((s) => (s.fault ? [(s.fault as { duration?: number }).duration] : []));
  assert.deepEqual(faultDurations(quick), faultDurations(experiment).map((d) => d! / 2));
  const waits = (e: typeof experiment) => [...e.method, ...e.method.flatMap((s) => s.parallel ?? []), ...e.rollbacks].flatMap((s) => (s.wait === undefined ? [] : [s.wait]));
  assert.deepEqual(waits(quick), waits(experiment).map((w) => w / 2));
  assert.deepEqual(quick.loads, experiment.loads);
  assert.deepEqual(quick.guardrails, experiment.guardrails);
  assert.deepEqual(quick.hypothesis.objectives, experiment.hypothesis.objectives);
  assert.notEqual(quick, experiment, 'the loaded experiment is left as it was');
});

test('compression never shrinks a steady-state window below 2 s or a step below 1 s, and leaves shorter ones alone', async () => {
  const { experiment } = await loadExperimentFile(flagship);
  const tiny = structuredClone(experiment);
  tiny.hypothesis.window = 3000;
  tiny.method = [{ wait: 1500 }, { wait: 600 }] as typeof tiny.method;
  const quick = compressExperiment(tiny, 0.25);
  assert.equal(quick.hypothesis.window, 2000);
  assert.deepEqual(quick.method.map((s) => s.wait), [1000, 600]);
  assert.throws(() => compressExperiment(tiny, 0), /compression factor/);
});
