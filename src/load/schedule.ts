// The arrival schedule of the open model: when the i-th request is meant to start, whatever the
// responses do. Rates ramp linearly within a stage (like k6's ramping-arrival-rate), so the number of
// arrivals by time t is the integral of the rate, and arrival i is due when that integral reaches i.
// Computing arrival times from the start of the run (never from the previous arrival) means a late
// scheduler tick cannot shift the rest of the schedule: it only makes the late requests late, and
// their latency, measured from the intended time, shows it.
import type { Stage } from './types.js';

interface Segment {
  startMs: number;
  durationMs: number;
  fromRate: number;
  toRate: number;
  /** Arrivals (as a real number) accumulated before this segment starts. */
  arrivalsBefore: number;
  arrivals: number;
}

// Floating-point integrals of whole numbers land a hair above or below them; this keeps
// 1000/s for 1 s at exactly 1000 arrivals.
const EPSILON = 1e-9;

export class ArrivalSchedule {
  readonly durationMs: number;
  /** How many arrivals fall before the end of the schedule. */
  readonly totalArrivals: number;
  private readonly segments: Segment[] = [];
  private cursor = 0;

  /**
   * `stages` ramp from the previous stage's rate (the first one from `startRate`, default 0); a stage
   * of 0 ms jumps straight to its rate. A `durationMs` shorter than the stages cuts them; a longer one
   * holds the last rate.
   */
  constructor(stages: Stage[], durationMs?: number, startRate = 0) {
    const declared = stages.reduce((sum, stage) => sum + stage.durationMs, 0);
    this.durationMs = durationMs ?? declared;
    let startMs = 0;
    let rate = startRate;
    let arrivals = 0;
    const plan = [...stages];
    if (this.durationMs > declared) plan.push({ durationMs: this.durationMs - declared, targetRate: stages.at(-1)?.targetRate ?? startRate });
    for (const stage of plan) {
      if (startMs >= this.durationMs) break;
      let { durationMs: length, targetRate } = stage;
      if (startMs + length > this.durationMs) {
        // Cut the stage where the run ends, at the rate the ramp has reached by then.
        const kept = this.durationMs - startMs;
        targetRate = rate + ((targetRate - rate) * kept) / length;
        length = kept;
      }
      if (length > 0) {
        const segmentArrivals = ((rate + targetRate) / 2) * (length / 1000);
        this.segments.push({ startMs, durationMs: length, fromRate: rate, toRate: targetRate, arrivalsBefore: arrivals, arrivals: segmentArrivals });
        arrivals += segmentArrivals;
      }
      startMs += length;
      rate = targetRate;
    }
    this.totalArrivals = Math.max(0, Math.ceil(arrivals - EPSILON));
  }

  /** Intended start of arrival `index` (0-based), in ms from the start; Infinity past the end. */
  timeOf(index: number): number {
    if (index >= this.totalArrivals) return Infinity;
    // Arrivals are asked for in order almost always, so a cursor makes this O(1).
    if (this.cursor >= this.segments.length || index < this.segments[this.cursor].arrivalsBefore - EPSILON) this.cursor = 0;
    while (this.cursor < this.segments.length - 1 && index >= this.segments[this.cursor + 1].arrivalsBefore - EPSILON) this.cursor++;
    const segment = this.segments[this.cursor];
    const into = Math.max(0, index - segment.arrivalsBefore);
    if (into === 0) return segment.startMs;
    const r0 = segment.fromRate;
    const k = (segment.toRate - r0) / (2 * (segment.durationMs / 1000));
    // Solve r0·τ + k·τ² = into for τ (seconds), in the form that stays exact when k is 0.
    const seconds = (2 * into) / (r0 + Math.sqrt(Math.max(0, r0 * r0 + 4 * k * into)));
    return Math.min(segment.startMs + seconds * 1000, segment.startMs + segment.durationMs);
  }

  /** The arrival rate (requests/s) the schedule asks for at `ms` from the start. */
  rateAt(ms: number): number {
    for (const segment of this.segments) {
      if (ms < segment.startMs + segment.durationMs) {
        const fraction = Math.max(0, ms - segment.startMs) / segment.durationMs;
        return segment.fromRate + (segment.toRate - segment.fromRate) * fraction;
      }
    }
    return 0;
  }
}
