import type { LoadedJournal, SliSample } from '../journal/format.js';
import { isMeasured } from '../report/format.js';
import { keyEvents } from '../report/markdown.js';
import { seriesByLoad, typicalIntervalMs } from '../report/series.js';
import { parseDuration, parsePercentage, parseRate } from '../units/units.js';
import { chartFiles } from './chart-files.js';
import type { BudgetSpent, CoeFacts, FaultFact, LeverFact, TrafficImpact, TroubleWindow } from './facts.js';

// The facts of one run, read from its journal and nothing else, so that every number in a drafted COE can
// be found again in journal.json. Traffic counts are sums over the load samples (a probe's checks are not
// traffic); "failed" is what the availability SLI counts as not available: errors plus requests the open
// model could not send. The trouble window is what the journal saw: the first fault injected (else the
// first failing interval), the first guardrail breach or missed objective, the last fault reverted, the
// end of the last failing interval.

export function runFacts(journal: LoadedJournal): CoeFacts {
  const source = `run ${journal.runId}`;
  const traffic = trafficOf(journal);
  const { shown, omitted } = keyEvents(journal.events ?? []);
  return {
    subject: { kind: 'run', id: journal.runId, title: journal.experiment.title, description: journal.experiment.description },
    window: windowOf(journal, traffic),
    timeline: shown.map((event) => ({ at: event.at, source, kind: event.type, text: event.message })),
    timelineOmitted: omitted,
    components: [],
    traffic,
    budgets: budgetsOf(journal, traffic),
    objectives: (journal.objectives ?? []) as CoeFacts['objectives'],
    faults: faultsOf(journal),
    levers: leversOf(journal),
    runs: [
      {
        id: journal.runId,
        title: journal.experiment.title,
        experiment: journal.experiment.file,
        verdict: journal.verdict,
        verdictReason: journal.verdictReason,
        exitCode: journal.exitCode,
        startedAt: journal.startedAt,
        endedAt: journal.endedAt,
        durationMs: journal.durationMs,
      },
    ],
    charts: chartFiles(journal),
    recordedBy: `the journal of run ${journal.runId}`,
  };
}

/** Run time (ms since the start) as an instant. */
function instantOf(journal: LoadedJournal, atMs: number): string {
  return new Date(new Date(journal.startedAt).getTime() + atMs).toISOString();
}

function trafficSamples(journal: LoadedJournal): SliSample[] {
  return (journal.samples ?? []).filter((s) => s && s.source !== 'probe' && isMeasured(s.atMs));
}

const count = (value: unknown) => (isMeasured(value) ? value : 0);

function trafficOf(journal: LoadedJournal): TrafficImpact[] {
  return seriesByLoad(trafficSamples(journal)).map(({ load, samples }) => {
    let errors = 0;
    let dropped = 0;
    let ok = 0;
    let worstErrorRate: number | null = null;
    let worstP99Ms: number | null = null;
    for (const s of samples) {
      ok += count(s.ok);
      errors += count(s.errors);
      dropped += count(s.dropped);
      if (isMeasured(s.errorRate) && (worstErrorRate === null || s.errorRate > worstErrorRate)) worstErrorRate = s.errorRate;
      if (isMeasured(s.p99) && (worstP99Ms === null || s.p99 > worstP99Ms)) worstP99Ms = s.p99;
    }
    const failingSamples = samples.filter((s) => count(s.errors) + count(s.dropped) > 0);
    const impact: TrafficImpact = { source: load, attempts: ok + errors + dropped, errors, dropped, worstErrorRate, worstP99Ms };
    if (failingSamples.length > 0) {
      // A sample closes its interval: the first failing interval began one sample spacing before it ended.
      const fromMs = Math.max(0, failingSamples[0].atMs - typicalIntervalMs(samples));
      const toMs = failingSamples.at(-1)!.atMs;
      impact.failing = { from: instantOf(journal, fromMs), to: instantOf(journal, toMs), durationMs: toMs - fromMs };
    }
    return impact;
  });
}

function windowOf(journal: LoadedJournal, traffic: TrafficImpact[]): TroubleWindow {
  const events = journal.events ?? [];
  const first = (type: string) => events.find((e) => e.type === type)?.at;
  const failingFrom = traffic.map((t) => t.failing?.from).filter((at): at is string => at !== undefined).sort()[0];
  const failingTo = traffic.map((t) => t.failing?.to).filter((at): at is string => at !== undefined).sort().at(-1);
  const missed = events.find((e) => e.type === 'hypothesis.checked' && e.data?.ok === false)?.at;
  const reverted = events.filter((e) => e.type === 'fault.reverted').at(-1)?.at;
  const window: TroubleWindow = {};
  const started = first('fault.injected') ?? failingFrom;
  const detected = first('guardrail.breach') ?? missed;
  if (started) window.started = started;
  if (detected) window.detected = detected;
  if (reverted) window.mitigated = reverted;
  if (failingTo) window.resolved = failingTo;
  return window;
}

function faultsOf(journal: LoadedJournal): FaultFact[] {
  const events = journal.events ?? [];
  return events
    .filter((e) => e.type === 'fault.injected')
    .map((e) => {
      const reverted = events.find((r) => r.type === 'fault.reverted' && r.data?.faultId === e.data?.faultId);
      return { description: e.message, target: String(e.data?.target ?? ''), injectedAt: e.at, ...(reverted ? { revertedAt: reverted.at } : {}) };
    });
}

function leversOf(journal: LoadedJournal): LeverFact[] {
  return (journal.events ?? [])
    .filter((e) => e.type === 'lever.pulled' || e.type === 'lever.reset')
    .map((e) => ({ lever: String(e.data?.lever ?? ''), action: e.type === 'lever.pulled' ? 'pulled' : 'reset', at: e.at }));
}

/**
 * The hypothesis' objectives, as the journal states them ("shoppers availability", ">= 99.5%"), against the
 * whole run's traffic of their source. Availability and error rate allow a share of the requests to fail:
 * the budget is that share of the attempts. Latency and throughput are judged per interval: the budget
 * spent is the share of intervals that missed the objective.
 */
function budgetsOf(journal: LoadedJournal, traffic: TrafficImpact[]): BudgetSpent[] {
  const seen = new Set<string>();
  const budgets: BudgetSpent[] = [];
  const samplesOf = new Map(seriesByLoad(journal.samples ?? []).map((s) => [s.load, s.samples]));
  for (const objective of journal.objectives ?? []) {
    if (objective.phase === 'guardrail' || seen.has(objective.name)) continue;
    seen.add(objective.name);
    const parsed = parseObjective(objective.sli, objective.expected);
    if (!parsed) continue;
    const base = { objective: objective.name, source: parsed.source, expected: objective.expected };
    if (parsed.kind === 'availability' || parsed.kind === 'error-rate') {
      const load = traffic.find((t) => t.source === parsed.source);
      if (!load || load.attempts === 0) continue;
      const share = parsed.kind === 'availability' ? 1 - parsed.bound : parsed.bound;
      const allowed = share * load.attempts;
      const spent = load.errors + load.dropped;
      budgets.push({ ...base, basis: 'requests', allowed, spent, ratio: allowed > 0 ? spent / allowed : spent > 0 ? Infinity : 0 });
      continue;
    }
    const samples = samplesOf.get(parsed.source) ?? [];
    const value = intervalValue(parsed.kind, parsed.percentile);
    if (!value || samples.length === 0) continue;
    const measured = samples.map(value).filter(isMeasured);
    const missed = measured.filter((v) => (parsed.kind === 'throughput' ? v < parsed.bound : v > parsed.bound)).length;
    if (measured.length > 0) budgets.push({ ...base, basis: 'time', allowed: measured.length, spent: missed, ratio: missed / measured.length });
  }
  return budgets;
}

type ParsedObjective = { source: string; kind: 'availability' | 'error-rate' | 'throughput' | 'latency'; percentile?: string; bound: number };

/** `shoppers p99 latency` with `<= 1s` → { source: shoppers, latency, p99, 1000 }; undefined for what this GameDay did not write. */
export function parseObjective(sli: string, expected: string): ParsedObjective | undefined {
  const bound = /^(>=|<=)\s*(.+)$/.exec(expected.trim())?.[2];
  if (!bound) return undefined;
  const latency = /^(.+) (p50|p90|p99|p999|max) latency$/.exec(sli);
  try {
    if (latency) return { source: latency[1], kind: 'latency', percentile: latency[2], bound: parseDuration(bound) };
    const other = /^(.+) (availability|error-rate|throughput)$/.exec(sli);
    if (!other) return undefined;
    const kind = other[2] as ParsedObjective['kind'];
    return { source: other[1], kind, bound: kind === 'throughput' ? parseRate(bound) : parsePercentage(bound) };
  } catch {
    return undefined;
  }
}

/** The value of one interval that a per-interval objective is judged on; the samples keep p50, p99 and max only. */
function intervalValue(kind: ParsedObjective['kind'], percentile?: string): ((s: SliSample) => number) | undefined {
  if (kind === 'throughput') return (s) => (count(s.ok) + count(s.errors) > 0 ? count(s.rate) * (count(s.ok) / (count(s.ok) + count(s.errors))) : 0);
  if (percentile === 'p50') return (s) => s.p50;
  if (percentile === 'p99') return (s) => s.p99;
  if (percentile === 'max') return (s) => s.max;
  return undefined;
}
