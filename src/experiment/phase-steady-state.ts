import type { RunContext } from './run-context.js';
import { checkHypothesis, type HypothesisPhase } from './steady-state.js';
import { sleep } from './sources.js';

// Steady state before and after the method: let the SLI sources run for the hypothesis window, then check
// every objective that applies to the phase over exactly that window. Returns whether all of them held.
export async function measureSteadyState(run: RunContext, phase: Exclude<HypothesisPhase, 'during'>): Promise<boolean> {
  const { objectives, window } = run.experiment.hypothesis;
  if (!objectives.some((objective) => objective.when.includes(phase))) return true;
  if (phase === 'before') await sleep(run.experiment.settings.warmup, run.abortController.signal);
  const fromMs = run.journal.now();
  await sleep(window, run.abortController.signal);
  return recordChecks(run, phase, { fromMs, toMs: run.journal.now() });
}

/** The "during" check covers the whole method, from its first step to the moment its faults came off. */
export function checkDuringMethod(run: RunContext): boolean {
  return recordChecks(run, 'during', run.methodWindow);
}

function recordChecks(run: RunContext, phase: HypothesisPhase, window: { fromMs: number; toMs: number }): boolean {
  const results = checkHypothesis(run.experiment.hypothesis.objectives, run.sources.series, phase, window);
  run.journal.objectives.push(...results);
  for (const result of results) {
    run.journal.note('hypothesis.checked', `${phase}: ${result.name}: expected ${result.expected}, measured ${result.measured} — ${result.ok ? 'met' : 'MISSED'}`, { ...result });
  }
  return results.every((result) => result.ok);
}
