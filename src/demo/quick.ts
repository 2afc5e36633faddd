import { writtenFault, type Experiment, type Step } from '../experiment/schema.js';

// `gameday demo --quick`: the same experiment on a compressed clock, for CI and tests. Every planned time
// (waits, fault and load durations, the steady-state windows, the warm-up) is multiplied by `factor`;
// what makes the hypothesis sensitive (rates, SLO bounds, guardrail windows and `for`) is left alone, so a
// quick run asks the same questions, with fewer samples per answer. Windows never shrink below a floor
// that still holds enough samples to compute a p99.

const MIN_WINDOW_MS = 2000;
const MIN_STEP_MS = 1000;

export function compressExperiment(experiment: Experiment, factor: number): Experiment {
  if (!(factor > 0 && factor <= 1)) throw new RangeError(`the compression factor must be in (0, 1], got ${factor}`);
  const scale = (ms: number, floor: number) => Math.max(Math.min(ms, floor), Math.round(ms * factor));
  const copy = structuredClone(experiment);
  copy.hypothesis.window = scale(copy.hypothesis.window, MIN_WINDOW_MS);
  copy.settings.warmup = scale(copy.settings.warmup, 0);
  for (const objective of copy.hypothesis.objectives) {
    if (objective.window !== undefined) objective.window = scale(objective.window, MIN_WINDOW_MS);
  }
  for (const load of Object.values(copy.loads)) {
    if (load.duration !== undefined) load.duration = scale(load.duration, MIN_STEP_MS);
    for (const stage of load.stages ?? []) stage.duration = scale(stage.duration, MIN_STEP_MS);
  }
  const walk = (steps: Step[]) => {
    for (const step of steps) {
      if (step.wait !== undefined) step.wait = scale(step.wait, MIN_STEP_MS);
      const fault = writtenFault(step)?.fields;
      if (typeof fault?.duration === 'number') fault.duration = scale(fault.duration, MIN_STEP_MS);
      if (step.parallel) walk(step.parallel);
    }
  };
  walk(copy.method);
  walk(copy.rollbacks);
  return copy;
}
