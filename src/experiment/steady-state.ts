import type { ObjectiveResult } from '../journal/outcome.js';
import type { Objective } from './schema.js';
import { expectedText, formatValue, meets, measure, sloName, type SliWindowSource } from './sli.js';

// The hypothesis is checked three times over windows of the run: before the method (is the system healthy
// enough to experiment on?), during it (does the steady state survive the faults?), and after every fault
// was reverted (did it recover?). Each objective says in `when` which of these apply to it.

export type HypothesisPhase = 'before' | 'during' | 'after';

export function checkHypothesis(
  objectives: readonly Objective[],
  series: ReadonlyMap<string, SliWindowSource>,
  phase: HypothesisPhase,
  window: { fromMs: number; toMs: number },
): ObjectiveResult[] {
  return objectives
    .filter((objective) => objective.when.includes(phase))
    .map((objective) => {
      const source = series.get(objective.source);
      // An objective with its own window looks at the end of the phase's window (e.g. "recovered within the last 1s").
      const fromMs = objective.window !== undefined ? Math.max(window.fromMs, window.toMs - objective.window) : window.fromMs;
      const value = source ? measure(objective, source.window(fromMs, window.toMs)) : null;
      return {
        name: sloName(objective),
        phase,
        sli: objective.sli === 'latency' ? `${objective.source} ${objective.percentile} latency` : `${objective.source} ${objective.sli}`,
        expected: expectedText(objective),
        measured: formatValue(objective, value),
        measuredValue: value,
        ok: meets(objective, value),
      };
    });
}
