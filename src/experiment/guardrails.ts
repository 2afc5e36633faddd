import type { Guardrail } from './schema.js';
import { expectedText, formatValue, meets, measure, sloName, type SliWindowSource } from './sli.js';

// Guardrails (stop conditions) are evaluated continuously — every ~100 ms, not once a minute — over a short
// trailing window. A breach must last `for` before it trips, so a single slow sample does not abort a drill.
// A window without data is "unknown", not a breach: a load that has not started yet must not abort the run.
// (A black-holed service still produces data: its requests time out and the open model counts them.)

export interface GuardrailState {
  name: string;
  expected: string;
  measured: string;
  value: number | null;
  breaching: boolean;
  /** Run time at which the current breach began. */
  breachSinceMs: number | null;
}

export interface GuardrailBreach extends GuardrailState {
  guardrail: Guardrail;
  index: number;
}

/** How far back a guardrail looks when it does not say: one second of samples. */
export const DEFAULT_GUARDRAIL_WINDOW_MS = 1000;

export class GuardrailWatch {
  private readonly states: GuardrailState[];

  constructor(
    private readonly guardrails: readonly Guardrail[],
    private readonly series: ReadonlyMap<string, SliWindowSource>,
  ) {
    this.states = guardrails.map((g) => ({ name: sloName(g), expected: expectedText(g), measured: 'no data', value: null, breaching: false, breachSinceMs: null }));
  }

  /** Evaluates every guardrail at run time `nowMs`; returns the first that has tripped, if any. */
  evaluate(nowMs: number): GuardrailBreach | undefined {
    let tripped: GuardrailBreach | undefined;
    this.guardrails.forEach((guardrail, index) => {
      const state = this.states[index];
      const series = this.series.get(guardrail.source);
      const value = series ? measure(guardrail, series.trailing(nowMs, guardrail.window ?? DEFAULT_GUARDRAIL_WINDOW_MS)) : null;
      state.value = value;
      state.measured = formatValue(guardrail, value);
      state.breaching = value !== null && !meets(guardrail, value);
      if (!state.breaching) state.breachSinceMs = null;
      else state.breachSinceMs ??= nowMs;
      if (!tripped && state.breaching && nowMs - state.breachSinceMs! >= guardrail.for) tripped = { ...state, guardrail, index };
    });
    return tripped;
  }

  current(): readonly GuardrailState[] {
    return this.states;
  }
}
