import type { SloCheck } from '../store/run-samples.js';
import { DEFAULT_GUARDRAIL_WINDOW_MS } from './guardrails.js';
import type { Experiment, Guardrail, Objective } from './schema.js';
import { expectedText, formatValue, meets, measure, sloName, type SliWindowSource } from './sli.js';

// What a person watching a run wants to know at every moment: does each objective of the hypothesis hold
// over its trailing window right now, and how close is each guardrail to tripping. Measured exactly as the
// checks that decide the run (merged histograms, never averaged percentiles), but only published: the
// verdict still comes from the phase checks and the guardrail watch.

export function liveChecks(experiment: Experiment, series: ReadonlyMap<string, SliWindowSource>, nowMs: number): SloCheck[] {
  const check = (kind: SloCheck['kind'], slo: Objective | Guardrail, windowMs: number): SloCheck => {
    const source = series.get(slo.source);
    const value = source ? measure(slo, source.trailing(nowMs, windowMs)) : null;
    return {
      kind,
      name: sloName(slo),
      sli: slo.sli === 'latency' ? `${slo.source} ${slo.percentile} latency` : `${slo.source} ${slo.sli}`,
      expected: expectedText(slo),
      measured: formatValue(slo, value),
      value,
      ok: meets(slo, value),
    };
  };
  return [
    ...experiment.hypothesis.objectives.map((objective) => check('objective', objective, objective.window ?? experiment.hypothesis.window)),
    ...experiment.guardrails.map((guardrail) => check('guardrail', guardrail, guardrail.window ?? DEFAULT_GUARDRAIL_WINDOW_MS)),
  ];
}
