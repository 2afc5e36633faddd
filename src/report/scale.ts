// Axis arithmetic for the charts: "nice" tick steps (1, 2, 2.5, 5 × 10^k) the way people count, and
// time ticks on whole seconds and minutes so a 20-minute run is not labelled 0, 137, 274 …

import { isMeasured } from './format.js';

export interface Ticks {
  /** Top of the axis: at least the largest value, rounded up to a tick. */
  max: number;
  step: number;
  values: number[];
}

/** Ticks from 0 to just above `maxValue`, about `target` of them; a flat zero series gets 0..1. */
export function valueTicks(maxValue: number, target = 4): Ticks {
  const top = isMeasured(maxValue) && maxValue > 0 ? maxValue : 1;
  const step = niceStep(top / target);
  const max = Math.ceil(top / step - 1e-9) * step;
  return { max, step, values: range(max, step) };
}

/** Time ticks in milliseconds from 0 to `endMs`, on steps people count in (5 s, 30 s, 1 min, 5 min …). */
export function timeTicks(endMs: number, target = 10): Ticks {
  const end = isMeasured(endMs) && endMs > 0 ? endMs : 1000;
  const rough = end / 1000 / target;
  const seconds = [0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600, 900, 1200, 1800, 3600, 7200, 10800, 21600, 43200, 86400];
  const stepS = seconds.find((s) => s >= rough) ?? niceStep(rough);
  const step = stepS * 1000;
  return { max: end, step, values: range(end, step) };
}

function niceStep(rough: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const residual = rough / magnitude;
  const factor = residual <= 1 ? 1 : residual <= 2 ? 2 : residual <= 2.5 ? 2.5 : residual <= 5 ? 5 : 10;
  return factor * magnitude;
}

function range(max: number, step: number): number[] {
  const values: number[] = [];
  // Multiplying rather than adding keeps 0.1-steps free of drift (0.30000000000000004).
  for (let i = 0; i * step <= max + step * 1e-9; i++) values.push(Number((i * step).toPrecision(12)));
  return values;
}
