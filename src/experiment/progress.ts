import { formatDuration } from '../units/units.js';
import type { PlannedEvent } from './blast-radius.js';
import type { RunOutcome, RunProgress } from './run.js';
import type { JournalEvent, JournalEventType } from '../journal/events.js';

// What a person watching a run reads: one progress line (phase, step, time left, key SLIs, guardrails), the
// notable events as they happen, and the summary at the end. Pure text; the CLI decides where it goes.

export function formatProgress(p: RunProgress): string {
  const left = Math.max(0, p.plannedMs - p.elapsedMs);
  const slis = p.slis
    .map((s) => `${s.source} ${s.availability === null ? '—' : `${+(s.availability * 100).toFixed(2)}%`} p99 ${s.p99Ms === null ? '—' : formatDuration(s.p99Ms)} ${s.rate === null ? '' : `${Math.round(s.rate)}/s`}`.trim())
    .join(' | ');
  const guardrails =
    p.guardrails.length === 0
      ? ''
      : ` | guardrails ${p.guardrails.some((g) => g.breaching) ? 'BREACHING' : 'ok'}: ${p.guardrails.map((g) => `${g.name} → ${g.measured}${g.breaching ? '!' : ''}`).join(', ')}`;
  return `[${formatDuration(p.elapsedMs)} ~${formatDuration(left)} left] ${p.phase}${p.step && p.phase === 'method' ? ` › ${p.step}` : ''}${p.activeFaults ? ` | ${p.activeFaults} fault(s) on` : ''}${slis ? ` | ${slis}` : ''}${guardrails}`;
}

const NOTABLE: ReadonlySet<JournalEventType> = new Set<JournalEventType>([
  'phase.start', 'step.start', 'fault.injected', 'fault.reverted', 'guardrail.breach', 'abort', 'lease.lost', 'lease.renew-failed', 'error', 'probe',
  'action', 'action.failed', 'hypothesis.checked',
  // Chaos Toolkit runs
  'probe.failed', 'activity.skipped', 'rollbacks.skipped', 'configuration', 'warning',
]);

export function formatEvent(event: JournalEvent): string | undefined {
  if (event.type === 'run.start') {
    const radius = event.data.blastRadius;
    return [`${event.message}; blast radius:`, ...(radius.length > 0 ? radius.map((line) => `  - ${line}`) : ['  (no faults)'])].join('\n');
  }
  if (!NOTABLE.has(event.type)) return undefined;
  return `${formatDuration(event.atMs).padStart(6)}  ${event.type.padEnd(17)} ${event.message}`;
}

export function formatPlan(blastRadius: string[], plan: PlannedEvent[]): string {
  const lines = ['Blast radius (what will be touched):', ...(blastRadius.length > 0 ? blastRadius.map((line) => `  - ${line}`) : ['  (no faults)'])];
  lines.push('', 'Timeline:');
  for (const event of plan) lines.push(`  +${formatDuration(event.atMs).padEnd(7)} ${event.text}`);
  return lines.join('\n');
}

export function formatSummary(outcome: RunOutcome): string {
  const lines = [`verdict: ${outcome.verdict.toUpperCase()} (exit ${outcome.exitCode}) — ${outcome.reason}`];
  const objectives = outcome.journal?.objectives ?? [];
  if (objectives.length > 0) {
    lines.push('objectives:');
    const width = Math.max(...objectives.map((o) => o.name.length));
    for (const o of objectives) {
      lines.push(`  ${o.ok ? 'ok    ' : 'MISSED'} ${o.phase.padEnd(9)} ${o.name.padEnd(width)}  expected ${o.expected.padEnd(10)} measured ${o.measured}`);
    }
  }
  if (outcome.folder) lines.push(`run folder: ${outcome.folder}`);
  for (const report of outcome.reports ?? []) lines.push(`report: ${report}`);
  return lines.join('\n');
}
