// Turns the journal's SLI samples into what the reports show: one time-ordered series per load, thinned
// for drawing, and per-phase summaries. Pure functions; the HTML and the Markdown report share them.

import type { Band, LoadedJournal, SliSample } from '../journal/format.js';
import { isMeasured } from './format.js';

/** About one point per horizontal pixel of a chart: more is invisible, and makes the file heavy. */
export const MAX_POINTS_PER_SERIES = 600;

export interface LoadSeries {
  load: string;
  samples: SliSample[];
}

/** Samples grouped by load, in order of first appearance, each sorted by time. */
export function seriesByLoad(samples: readonly SliSample[]): LoadSeries[] {
  const byLoad = new Map<string, SliSample[]>();
  for (const sample of samples ?? []) {
    if (!sample || !isMeasured(sample.atMs)) continue;
    const load = String(sample.load ?? 'load');
    let list = byLoad.get(load);
    if (!list) byLoad.set(load, (list = []));
    list.push(sample);
  }
  return [...byLoad].map(([load, list]) => ({ load, samples: list.sort((a, b) => a.atMs - b.atMs) }));
}

/**
 * Thins a series to at most `maxPoints` by merging samples into equal time buckets. The merge is chosen
 * so that a chart never hides trouble: errors are summed (the bucket's error rate is errors / completed),
 * p99 and max keep the worst value of the bucket, rate and p50 are averaged.
 */
export function downsample(samples: readonly SliSample[], maxPoints = MAX_POINTS_PER_SERIES): SliSample[] {
  if (samples.length <= maxPoints) return [...samples];
  const first = samples[0].atMs;
  const span = samples[samples.length - 1].atMs - first || 1;
  const buckets: SliSample[][] = [];
  for (const sample of samples) {
    const index = Math.min(maxPoints - 1, Math.floor(((sample.atMs - first) / span) * maxPoints));
    (buckets[index] ??= []).push(sample);
  }
  return buckets.filter((bucket) => bucket !== undefined).map(mergeSamples);
}

/** Merges samples of one load into one, with the same rules as `downsample`. */
export function mergeSamples(bucket: readonly SliSample[]): SliSample {
  const t = tally(bucket);
  const completed = t.ok + t.errors;
  return {
    atMs: t.atMs.count > 0 ? t.atMs.sum / t.atMs.count : bucket[0].atMs,
    load: bucket[0].load,
    rate: average(t.rate),
    ok: t.ok,
    errors: t.errors,
    dropped: t.dropped,
    errorRate: completed > 0 ? t.errors / completed : average(t.errorRate),
    p50: average(t.p50),
    p99: t.p99Max ?? NaN,
    max: t.maxMax ?? NaN,
  };
}

interface Running { sum: number; count: number }

interface Tally {
  ok: number;
  errors: number;
  dropped: number;
  atMs: Running;
  rate: Running;
  errorRate: Running;
  p50: Running;
  p99Max: number | null;
  maxMax: number | null;
}

/** One pass over samples, skipping values that are not numbers; reports cover day-long runs. */
function tally(samples: readonly SliSample[]): Tally {
  const t: Tally = { ok: 0, errors: 0, dropped: 0, atMs: run(), rate: run(), errorRate: run(), p50: run(), p99Max: null, maxMax: null };
  for (const s of samples) {
    if (isMeasured(s.ok)) t.ok += s.ok;
    if (isMeasured(s.errors)) t.errors += s.errors;
    if (isMeasured(s.dropped)) t.dropped += s.dropped;
    add(t.atMs, s.atMs);
    add(t.rate, s.rate);
    add(t.errorRate, s.errorRate);
    add(t.p50, s.p50);
    if (isMeasured(s.p99) && (t.p99Max === null || s.p99 > t.p99Max)) t.p99Max = s.p99;
    if (isMeasured(s.max) && (t.maxMax === null || s.max > t.maxMax)) t.maxMax = s.max;
  }
  return t;
}

function run(): Running {
  return { sum: 0, count: 0 };
}

function add(running: Running, value: unknown): void {
  if (!isMeasured(value)) return;
  running.sum += value;
  running.count++;
}

function average(running: Running): number {
  return running.count > 0 ? running.sum / running.count : NaN;
}

/** The typical spacing of samples, used to tell a pause in the load (a gap in the line) from jitter. */
export function typicalIntervalMs(samples: readonly SliSample[]): number {
  const gaps: number[] = [];
  for (let i = 1; i < samples.length; i++) gaps.push(samples[i].atMs - samples[i - 1].atMs);
  return median(gaps.filter((g) => g > 0)) ?? 0;
}

/** The last moment the charts must show: the run's end, or later if samples or bands go past it. */
export function runEndMs(journal: LoadedJournal): number {
  // A loop, not Math.max(...all): a day-long run has more samples than a call may have arguments.
  let end = isMeasured(journal.durationMs) ? Math.max(0, journal.durationMs) : 0;
  for (const sample of journal.samples ?? []) if (isMeasured(sample?.atMs) && sample.atMs > end) end = sample.atMs;
  for (const band of journal.bands ?? []) if (isMeasured(band?.endMs) && band.endMs > end) end = band.endMs;
  return end;
}

export interface PhaseSummary {
  phase: string;
  load: string;
  startMs: number;
  endMs: number;
  /** Completed requests (ok + errors). */
  requests: number;
  errors: number;
  dropped: number;
  /** Mean of the interval rates. */
  rate: number | null;
  /** errors / requests over the whole phase. */
  errorRate: number | null;
  /** Median of the interval p50s. */
  p50: number | null;
  /** Median of the interval p99s: the typical tail. */
  p99: number | null;
  /** Worst interval p99: the tail at its worst moment. */
  p99Worst: number | null;
}

/**
 * The SLIs of each phase and load. Phases come from the journal's phase bands; a run without them is
 * summarised as one phase, "run". Interval percentiles cannot be merged exactly, so the summary shows
 * the median and the worst interval rather than pretending to a phase-wide p99.
 */
export function summarisePhases(journal: LoadedJournal): PhaseSummary[] {
  const phases = phaseWindows(journal);
  const summaries: PhaseSummary[] = [];
  for (const { load, samples } of seriesByLoad(journal.samples)) {
    for (const phase of phases) {
      const inPhase = samples.filter((s) => s.atMs >= phase.startMs && s.atMs < phase.endMs);
      if (inPhase.length === 0) continue;
      summaries.push(summarise(phase.label, load, phase.startMs, phase.endMs, inPhase));
    }
  }
  return summaries;
}

/** Totals of the whole run and every load, for the headline figures (a probe's checks are not traffic). */
export function summariseRun(journal: LoadedJournal): PhaseSummary | null {
  const samples = (journal.samples ?? []).filter((s) => s && s.source !== 'probe' && isMeasured(s.atMs));
  if (samples.length === 0) return null;
  const loads = new Set(samples.map((s) => s.load)).size;
  const summary = summarise('run', loads === 1 ? samples[0].load : `${loads} loads`, 0, runEndMs(journal), samples);
  // Rates of several loads add up; the mean of all their samples would halve a two-load run.
  const byLoad = seriesByLoad(samples);
  if (byLoad.length > 1) summary.rate = byLoad.reduce((total, l) => total + (average(tally(l.samples).rate) || 0), 0);
  return summary;
}

function summarise(phase: string, load: string, startMs: number, endMs: number, samples: readonly SliSample[]): PhaseSummary {
  const t = tally(samples);
  const requests = t.ok + t.errors;
  const orNull = (v: number) => (Number.isNaN(v) ? null : v);
  return {
    phase,
    load,
    startMs,
    endMs,
    requests,
    errors: t.errors,
    dropped: t.dropped,
    rate: orNull(average(t.rate)),
    errorRate: requests > 0 ? t.errors / requests : orNull(average(t.errorRate)),
    p50: median(samples.map((s) => s.p50)),
    p99: median(samples.map((s) => s.p99)),
    p99Worst: t.p99Max,
  };
}

function phaseWindows(journal: LoadedJournal): Array<Pick<Band, 'label' | 'startMs' | 'endMs'>> {
  const phases = (journal.bands ?? [])
    .filter((b) => b && b.kind === 'phase' && isMeasured(b.startMs) && isMeasured(b.endMs))
    .sort((a, b) => a.startMs - b.startMs);
  if (phases.length > 0) return phases;
  return [{ label: 'run', startMs: 0, endMs: runEndMs(journal) + 1 }];
}

function median(values: readonly unknown[]): number | null {
  const sorted = values.filter(isMeasured).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
