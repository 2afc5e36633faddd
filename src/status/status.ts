// The status of a component and the rules of honesty (DESIGN.md, safety rule 7), as plain functions that
// every face of the status page goes through — the page, the Statuspage API, the feeds, the webhooks, the
// CLI and the static export:
//   1. the shown status is never better than the measured one;
//   2. no fresh data is "no data", never operational;
//   3. a person may declare a component worse than measured (and add words), never better: an attempt is
//      refused with the SLI that disagrees.
// test/status/honesty.test.ts checks them as properties over generated cases.

/** Statuses a measurement can give, best first (Statuspage's words). */
export const MEASURED_STATUSES = ['operational', 'degraded_performance', 'partial_outage', 'major_outage'] as const;
export type MeasuredStatus = (typeof MEASURED_STATUSES)[number];
/** What the page may show: a measured status, or that nothing fresh was measured. */
export type Status = MeasuredStatus | 'no_data';
/** What a person may declare: a status that says something is wrong (never "no data", which only silence says). */
export type DeclarableStatus = Exclude<Status, 'no_data'>;

/**
 * How bad each status is. "No data" sits just above operational: it is never shown when everything is
 * known to be fine, and never hides a measured degradation or outage.
 */
const RANK: Record<Status, number> = { operational: 0, no_data: 1, degraded_performance: 2, partial_outage: 3, major_outage: 4 };

export const STATUS_WORDS: Record<Status, string> = {
  operational: 'Operational',
  no_data: 'No data',
  degraded_performance: 'Degraded performance',
  partial_outage: 'Partial outage',
  major_outage: 'Major outage',
};

export function isStatus(value: unknown): value is Status {
  return typeof value === 'string' && value in RANK;
}

export function rank(status: Status): number {
  return RANK[status];
}

/** The worse of two statuses. */
export function worse(a: Status, b: Status): Status {
  return RANK[b] > RANK[a] ? b : a;
}

/** The worst of several; nothing at all is "no data". */
export function worst(statuses: readonly Status[]): Status {
  if (statuses.length === 0) return 'no_data';
  return statuses.reduce(worse);
}

/** One SLI of a component as measured now. */
export interface SliReading {
  /** What a person reads: "availability 97.2% over 1m". */
  text: string;
  /** The monitor it comes from, as a fact's source: "monitor shop-page", "run 20261130-…". */
  source: string;
  value: number | null;
  /** Whether a sample arrived within two intervals of the monitor (or of the run). */
  fresh: boolean;
  /**
   * A run's SLI while no run of its load is live: a drill that is not happening says nothing about the
   * component, so it takes no part in its status (a component with nothing else is "no data").
   */
  idle?: boolean;
  /** The status its thresholds give the value (meaningless when not fresh: the reading is then no data). */
  status: MeasuredStatus;
}

/** The status a reading gives: its thresholds' verdict when fresh, else "no data". */
export function readingStatus(reading: SliReading): Status {
  return reading.fresh && reading.value !== null ? reading.status : 'no_data';
}

/** The measured status of a component: the worst of its active SLIs; none active, or any stale, is at best "no data". */
export function measuredStatus(readings: readonly SliReading[]): Status {
  return worst(readings.filter((reading) => !reading.idle).map(readingStatus));
}

/** What a person declared about a component: a status (worse than measured, or none: words only) and words. */
export interface Declaration {
  status: DeclarableStatus | null;
  message: string;
  author: string;
  at: string;
}

/** The status the page shows: never better than measured, whatever was declared. */
export function shownStatus(measured: Status, declared: DeclarableStatus | null | undefined): Status {
  return declared ? worse(measured, declared) : measured;
}

export type DeclarationCheck = { ok: true } | { ok: false; reading?: SliReading; message: string };

/**
 * Whether `declared` may be shown for a component whose SLIs read `readings`: only when it is at least as
 * bad as what they measure. A refusal names the SLI that disagrees, in words a person can act on.
 */
export function checkDeclaration(component: string, declared: DeclarableStatus, readings: readonly SliReading[]): DeclarationCheck {
  const measured = measuredStatus(readings);
  if (rank(declared) >= rank(measured)) return { ok: true };
  const active = readings.filter((reading) => !reading.idle);
  const disagreeing = active.filter((reading) => rank(readingStatus(reading)) > rank(declared)).sort((a, b) => rank(readingStatus(b)) - rank(readingStatus(a)))[0];
  if (!disagreeing) {
    return { ok: false, message: `${component} cannot be shown ${STATUS_WORDS[declared].toLowerCase()}: no SLI of it is measured now, and no data is never shown as operational` };
  }
  const says = readingStatus(disagreeing);
  const why = says === 'no_data' ? `has no fresh data (${disagreeing.text})` : `measures ${STATUS_WORDS[says].toLowerCase()}: ${disagreeing.text}`;
  return {
    ok: false,
    reading: disagreeing,
    message: `${component} cannot be shown ${STATUS_WORDS[declared].toLowerCase()}: its SLI from ${disagreeing.source} ${why}. A person may declare a component worse than measured, never better`,
  };
}
