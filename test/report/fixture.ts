// A realistic journal for tests of anything that reads journals (reports, store, engine). It tells the
// story of a typical chaos run: steady state before, a latency fault on a dependency while load flows,
// a guardrail breach that aborts the run and reverts the fault, and recovery measured after. The
// numbers come from a seeded generator, so a test sees the same journal every time.

import type { EventRecord } from '../../src/journal/events.js';
import { JOURNAL_VERSION, type Band, type LoadedJournal, type SliSample } from '../../src/journal/format.js';
import type { ObjectiveResult, Verdict } from '../../src/journal/outcome.js';

export interface JournalFixtureOptions {
  title?: string;
  description?: string;
  /** Names of the loads; each gets its own series. Default: one load, "product page". */
  loads?: string[];
  durationMs?: number;
  /** Spacing of SLI samples. */
  intervalMs?: number;
  /** Requests per second of the first load; later loads get a quarter of it. */
  rate?: number;
  /** When the latency fault is injected and when it would end if nothing aborted it. */
  faultStartMs?: number;
  faultEndMs?: number;
  /** Extra latency of the fault, ms. */
  faultLatencyMs?: number;
  /** When the guardrail breaches; null for a run without a breach (the fault runs to its end). */
  breachAtMs?: number | null;
  /** Override the verdict the story implies (aborted with a breach, violated without). */
  verdict?: Verdict;
  /**
   * false: a run that ended before any load was measured. An 'invalid' verdict implies it, with no
   * objectives and no bands either: nothing was touched.
   */
  withSamples?: boolean;
  seed?: number;
  startedAt?: string;
}

export function buildJournal(options: JournalFixtureOptions = {}): LoadedJournal {
  const durationMs = options.durationMs ?? 60_000;
  const intervalMs = options.intervalMs ?? 250;
  const loads = options.loads ?? ['product page'];
  const baseRate = options.rate ?? 200;
  const faultStartMs = options.faultStartMs ?? Math.round(durationMs * 0.25);
  const plannedFaultEndMs = options.faultEndMs ?? Math.round(durationMs * 0.75);
  const breachAtMs = options.breachAtMs === undefined ? Math.round(durationMs * 0.6) : options.breachAtMs;
  const aborted = breachAtMs !== null && breachAtMs < plannedFaultEndMs;
  // An aborted run reverts the fault about a quarter second after the breach (guardrail safety rule 3).
  const faultEndMs = aborted ? breachAtMs + 250 : plannedFaultEndMs;
  const faultLatencyMs = options.faultLatencyMs ?? 300;
  const beforeEndMs = Math.round(durationMs * (1 / 6));
  const duringEndMs = aborted ? faultEndMs : Math.round(durationMs * (5 / 6));
  const started = new Date(options.startedAt ?? '2026-11-25T08:00:00.000Z');
  const at = (ms: number) => new Date(started.getTime() + ms).toISOString();
  const random = mulberry32(options.seed ?? 42);
  const faultTarget = 'link:shop→recommendations';

  const samples: SliSample[] = [];
  if (options.withSamples !== false) {
    loads.forEach((load, index) => {
      const rate = index === 0 ? baseRate : baseRate / 4;
      // Only the first load calls the faulty dependency directly; the others feel a fraction of it.
      const sensitivity = index === 0 ? 1 : 0.2;
      for (let t = intervalMs; t <= durationMs; t += intervalMs) {
        const inFault = t >= faultStartMs && t < faultEndMs;
        // The tail grows while the fault lasts (queues build up), and drains for ~3 s after it ends.
        const build = inFault ? Math.min(1, (t - faultStartMs) / 8000) : 0;
        const drain = !inFault && t >= faultEndMs && t < faultEndMs + 3000 ? 1 - (t - faultEndMs) / 3000 : 0;
        const pressure = Math.max(build, drain * 0.6) * sensitivity;
        const completedRate = rate * (1 - pressure * 0.08) * (0.97 + random() * 0.06);
        const completed = Math.round((completedRate * intervalMs) / 1000);
        const errorRatio = 0.0005 + pressure * 0.018 * (0.5 + random());
        const errors = Math.min(completed, Math.round(completed * errorRatio + (random() < 0.004 * sensitivity ? 1 : 0)));
        const p50 = 38 + random() * 6 + (inFault ? faultLatencyMs * sensitivity : 0) + pressure * 20;
        const p99 = 110 + random() * 30 + pressure * (faultLatencyMs * 3.5) + (inFault ? faultLatencyMs * sensitivity : 0);
        samples.push({
          atMs: t,
          load,
          rate: round((completed * 1000) / intervalMs),
          ok: completed - errors,
          errors,
          dropped: pressure > 0.8 && random() < 0.2 ? 1 : 0,
          errorRate: completed > 0 ? errors / completed : 0,
          p50: round(p50),
          p99: round(p99),
          max: round(p99 * (1.1 + random() * 0.4)),
        });
      }
    });
  }

  const bands: Band[] = [
    { kind: 'phase', label: 'before', startMs: 0, endMs: beforeEndMs },
    { kind: 'phase', label: 'during', startMs: beforeEndMs, endMs: duringEndMs },
    { kind: 'phase', label: 'after', startMs: duringEndMs, endMs: durationMs },
    { kind: 'step', label: `inject latency ${faultLatencyMs}ms`, startMs: faultStartMs, endMs: faultEndMs },
    { kind: 'fault', label: `latency +${faultLatencyMs}ms on recommendations`, startMs: faultStartMs, endMs: faultEndMs },
  ];

  const events: EventRecord[] = [];
  const event = (atMs: number, type: string, message: string, data?: Record<string, unknown>) =>
    events.push({ atMs, at: at(atMs), type, message, ...(data ? { data } : {}) });
  event(0, 'phase.start', 'steady state before');
  for (const load of loads) event(0, 'load.started', `load "${load}" started`, { load, rate: `${load === loads[0] ? baseRate : baseRate / 4}/s` });
  for (let t = 5000; t < durationMs; t += 5000) event(t, 'probe', 'GET /health answered 200', { target: 'shop', status: 200 });
  event(beforeEndMs, 'hypothesis.checked', 'steady state before: 2 of 2 objectives met');
  event(beforeEndMs, 'phase.end', 'steady state before');
  event(beforeEndMs, 'phase.start', 'method');
  event(faultStartMs, 'step.start', `inject latency ${faultLatencyMs}ms`);
  event(faultStartMs + 12, 'fault.injected', `latency +${faultLatencyMs}ms on ${faultTarget}`, { target: faultTarget, kind: 'latency', latency: `${faultLatencyMs}ms`, lease: 'ls_7f3a' });
  if (breachAtMs !== null) {
    event(breachAtMs, 'guardrail.breach', 'guardrail "p99 latency < 1s" breached: p99 1.42 s for 3 s', { guardrail: 'p99 latency < 1s', measured: '1.42s', load: loads[0] });
  }
  if (aborted) event(breachAtMs + 5, 'abort', 'aborting: reverting every fault', { kind: 'guardrail' });
  event(faultEndMs, 'fault.reverted', `latency removed from ${faultTarget}`, { target: faultTarget, lease: 'ls_7f3a', ...(aborted ? { revertMs: 245 } : {}) });
  event(faultEndMs, 'step.end', `inject latency ${faultLatencyMs}ms${aborted ? ' (aborted)' : ''}`);
  event(duringEndMs, 'hypothesis.checked', 'during the method: 1 of 2 objectives met');
  event(duringEndMs, 'phase.end', 'method');
  event(duringEndMs, 'phase.start', 'steady state after');
  for (const load of loads) event(durationMs, 'load.stopped', `load "${load}" stopped`, { load });
  event(durationMs, 'hypothesis.checked', 'steady state after: 2 of 2 objectives met');
  event(durationMs, 'phase.end', 'steady state after');

  const objectives: ObjectiveResult[] = [
    objective('page availability ≥ 99.9%', 'before', 'availability', '>= 99.9%', 0.9996, (v) => `${(v * 100).toFixed(2)}%`, true),
    objective('page p99 < 500ms', 'before', 'latency.p99', '< 500ms', 128, ms, true),
    objective('page availability ≥ 99%', 'during', 'availability', '>= 99%', 0.9931, (v) => `${(v * 100).toFixed(2)}%`, true),
    // A run asked to hold is one where the fault stayed within the objectives.
    options.verdict === 'held'
      ? objective('page p99 < 500ms', 'during', 'latency.p99', '< 500ms', 420, ms, true)
      : objective('page p99 < 500ms', 'during', 'latency.p99', '< 500ms', 1420, ms, false),
    objective('p99 latency < 1s', 'guardrail', 'latency.p99', '< 1s', breachAtMs === null ? 812 : 1420, ms, breachAtMs === null),
    objective('page availability ≥ 99.9%', 'after', 'availability', '>= 99.9%', 0.9994, (v) => `${(v * 100).toFixed(2)}%`, true),
    objective('page p99 < 500ms', 'after', 'latency.p99', '< 500ms', 134, ms, true),
  ];

  const verdict: Verdict = options.verdict ?? (aborted ? 'aborted' : 'violated');
  const reasons: Record<Verdict, string> = {
    held: 'Every objective was met before, during and after the fault.',
    violated: 'page p99 < 500ms was not met during the method: measured 1.42 s.',
    aborted: `Guardrail "p99 latency < 1s" breached at ${(breachAtMs ?? 0) / 1000} s; the fault was reverted in 245 ms and the page recovered within 3 s.`,
    invalid: 'The experiment is invalid: target "recommendations" is not reachable.',
    error: 'Internal error: the load generator stopped unexpectedly.',
  };
  const exitCodes: Record<Verdict, number> = { held: 0, violated: 1, aborted: 2, invalid: 3, error: 4 };

  const invalid = verdict === 'invalid';
  return {
    version: JOURNAL_VERSION,
    gamedayVersion: '0.1.0',
    runId: 'run_20261125_080000_a1b2',
    experiment: {
      title: options.title ?? 'Product page survives a slow recommendations service',
      description: options.description ?? 'Recommendations are not critical: with 300 ms extra latency on them, the product page must stay fast and available.',
      file: 'experiments/slow-recommendations.yaml',
    },
    startedAt: at(0),
    endedAt: at(invalid ? 120 : durationMs),
    durationMs: invalid ? 120 : durationMs,
    verdict,
    verdictReason: reasons[verdict],
    exitCode: exitCodes[verdict],
    blastRadius: [faultTarget, 'load:product-page → http://127.0.0.1:8080/product/42'],
    objectives: invalid ? [] : objectives,
    events: invalid
      ? [{ atMs: 118, at: at(118), type: 'error', message: 'target "recommendations" is not reachable: connect ECONNREFUSED 127.0.0.1:8474' }]
      : events.sort((a, b) => a.atMs - b.atMs),
    samples: invalid ? [] : samples,
    bands: invalid ? [] : bands,
  };
}

function objective(name: string, phase: ObjectiveResult['phase'], sli: string, expected: string, value: number, format: (v: number) => string, ok: boolean): ObjectiveResult {
  return { name, phase, sli, expected, measured: format(value), measuredValue: value, ok };
}

function ms(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(2)}s` : `${Math.round(value)}ms`;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

/** A small seeded PRNG: the same seed gives the same journal on every machine. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
