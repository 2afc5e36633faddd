import type { IncidentImpact } from '../status/incidents.js';

// What each severity means, written once: the CLI prints it, the pages show it beside the declare form,
// the status page maps it to Statuspage's impact, and the communications lead's rhythm of status updates
// comes from it. A severity says how bad it is for the people who use the system, not how hard it is to fix.

export const SEVERITIES = ['SEV1', 'SEV2', 'SEV3', 'SEV4'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface SeverityMeaning {
  severity: Severity;
  /** In a few words, for lists. */
  name: string;
  /** What it means, for the person deciding which one to declare. */
  meaning: string;
  /** How often the communications lead posts a status update while it is open. */
  updateEveryMs: number;
  /** Statuspage's word for it on the status page. */
  impact: IncidentImpact;
}

const MINUTE = 60_000;

export const SEVERITY: Record<Severity, SeverityMeaning> = {
  SEV1: {
    severity: 'SEV1',
    name: 'critical',
    meaning: 'A critical function (checkout, sign-in, the product page) is down or unusable for many users, or data is lost or at risk. Everyone needed is called in now; the commander may pull any lever.',
    updateEveryMs: 30 * MINUTE,
    impact: 'critical',
  },
  SEV2: {
    severity: 'SEV2',
    name: 'major',
    meaning: 'A critical function is degraded, or a non-critical one is down, for many users; or a SEV1 follows if nothing is done. The on-call team works on it now, whatever the hour.',
    updateEveryMs: 60 * MINUTE,
    impact: 'major',
  },
  SEV3: {
    severity: 'SEV3',
    name: 'minor',
    meaning: 'A non-critical function is degraded, or few users are affected and a workaround exists. Worked on in working hours.',
    updateEveryMs: 4 * 60 * MINUTE,
    impact: 'minor',
  },
  SEV4: {
    severity: 'SEV4',
    name: 'no user impact',
    meaning: 'Nobody is affected yet: a risk, a near miss, a redundancy lost. Tracked and fixed in the normal course of work.',
    updateEveryMs: 24 * 60 * MINUTE,
    impact: 'none',
  },
};

export function isSeverity(value: unknown): value is Severity {
  return typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value);
}

/** Every severity in one line each, for messages that refuse an unknown one. */
export function severityList(): string {
  return SEVERITIES.map((s) => `${s} (${SEVERITY[s].name})`).join(', ');
}
