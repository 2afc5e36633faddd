import { isOfType } from '../journal/events.js';
import type { Lever } from '../levers/lever.js';
import { escapeHtml, formatEventData, formatLatency, formatPercent, formatRate, formatRunTime, formatSpan, measuredText } from '../report/format.js';
import { ROUTINE_EVENTS } from '../report/markdown.js';
import { verdictWords } from '../report/verdict.js';
import type { StoredJournalEvent } from '../store/journal-events.js';
import type { SliSample } from '../journal/format.js';
import type { SloCheckSet } from '../store/run-samples.js';
import type { RunRecord } from '../store/runs.js';
import { formAction } from '../web/form-token.js';
import { leaseOf, type RunState } from './run-state.js';
import { countdown, elapsed, runStatus, table, when } from './views.js';

// The live view of one run, rendered on the server from what the store holds: a page readable without
// JavaScript. Each live part is a fragment with an id; while the run goes on, the page's event stream
// sends the same fragments again, rendered by these same functions, and the script swaps them in.

export interface RunPageModel {
  run: RunRecord;
  state: RunState;
  /** The latest check of the hypothesis and guardrails the run published. */
  checks: SloCheckSet | undefined;
  /** The latest sample of each series. */
  latest: ReadonlyMap<string, SliSample>;
  /** The control room's levers, or null when it serves none. */
  levers: Lever[] | null;
  nowMs: number;
}

export const LIVE_FRAGMENTS = ['run-now', 'faults', 'checks', 'slis', 'levers'] as const;
export type FragmentId = (typeof LIVE_FRAGMENTS)[number];

export function renderFragment(id: FragmentId, model: RunPageModel): string {
  switch (id) {
    case 'run-now':
      return renderNow(model);
    case 'faults':
      return renderFaults(model);
    case 'checks':
      return renderChecks(model);
    case 'slis':
      return renderSlis(model);
    case 'levers':
      return renderLevers(model);
  }
}

/** The page's body (inside <main>); `events` newest first. */
export function renderRunBody(model: RunPageModel, events: readonly StoredJournalEvent[], formToken: string, notice?: string): string {
  const { run } = model;
  const live = !run.endedAt;
  const section = (id: FragmentId, title: string, extra = '') =>
    `<section class="card" aria-labelledby="${id}-title"${extra}><h2 id="${id}-title">${escapeHtml(title)}</h2><div id="${id}" data-fragment>${renderFragment(id, model)}</div></section>`;
  return [
    '<header>',
    `<div class="eyebrow">Run <code>${escapeHtml(run.id)}</code></div>`,
    `<h1>${escapeHtml(run.title)}</h1>`,
    '<dl class="meta">',
    `<div><dt>Experiment</dt><dd>${escapeHtml(run.file)}</dd></div>`,
    `<div><dt>Started</dt><dd>${when(run.startedAt)}</dd></div>`,
    `<div><dt>Ended</dt><dd>${when(run.endedAt)}</dd></div>`,
    `<div><dt>Where</dt><dd>${escapeHtml(`${run.host ?? 'unknown host'}, pid ${run.pid}`)}</dd></div>`,
    '</dl></header>',
    notice ?? '',
    `<section class="card" aria-label="Now" aria-live="polite"><div id="run-now" data-fragment>${renderNow(model)}</div></section>`,
    live ? renderHalt(run, formToken) : '',
    '<div class="grid-half">',
    section('faults', 'Faults in force'),
    section('checks', 'Hypothesis and guardrails'),
    '</div>',
    '<section class="card" aria-labelledby="charts-title"><h2 id="charts-title">Service level indicators</h2>',
    '<div id="charts" class="charts" data-charts></div>',
    `<div id="slis" data-fragment>${renderSlis(model)}</div></section>`,
    '<div class="grid-2">',
    section('levers', 'Levers'),
    renderJournal(events),
    '</div>',
  ].join('');
}

function renderNow(model: RunPageModel): string {
  const { run, state } = model;
  if (run.endedAt || state.verdict) {
    const words = verdictWords(run.verdict ?? state.verdict?.verdict);
    const reason = (state.verdict?.message ?? '').replace(/^\w+: /, '');
    return [
      `<div class="now"><span class="phase">${runStatus(run.endedAt ? run : { ...run, endedAt: 'now', verdict: state.verdict?.verdict ?? null })}</span>`,
      `<span class="step">${escapeHtml(words.headline)} ${escapeHtml(reason)}</span></div>`,
      run.endedAt ? `<p><a href="/runs/${encodeURIComponent(run.id)}/report">Open the run's report</a> (charts, objectives, timeline), rendered from the journal in the store.</p>` : '<p class="note">The run is writing its record.</p>',
    ].join('');
  }
  const started = Date.parse(run.startedAt);
  const abort = state.abort ? `<p class="notice fail" role="alert"><strong>Aborting</strong> (${escapeHtml(state.abort.kind)}): ${escapeHtml(state.abort.message)}</p>` : '';
  return [
    `<div class="now">${runStatus(run)}`,
    `<span class="phase">${escapeHtml(state.phase ?? 'starting')}</span>`,
    `<span class="step">${state.step ? `step: ${escapeHtml(state.step)}` : ''}</span>`,
    `<span class="step">running for ${elapsed(started, model.nowMs)}</span></div>`,
    abort,
  ].join('');
}

function renderHalt(run: RunRecord, token: string): string {
  return [
    '<section class="card" aria-label="Halt" data-live-only>',
    '<details class="halt"><summary>Halt this run…</summary>',
    `<form method="post" action="${escapeHtml(formAction(`/runs/${encodeURIComponent(run.id)}/halt`, token))}">`,
    '<p>Halting releases every lease this run holds on the components: each component reverts the run\'s faults at once, ',
    'and the run aborts when it notices. It is what <code>gameday halt</code> does, for this run only.</p>',
    `<button type="submit" class="danger">Halt run ${escapeHtml(run.id)} and revert its faults now</button>`,
    '</form></details></section>',
  ].join('');
}

function renderFaults(model: RunPageModel): string {
  const { state, nowMs } = model;
  const rows = state.faults.map((fault) => {
    const lease = leaseOf(state, fault);
    const leaseText = lease
      ? `<code>${escapeHtml(lease.leaseId.slice(0, 8))}</code>${lease.ttlMs !== null ? ` · TTL ${escapeHtml(formatSpan(lease.ttlMs))}` : ''}${lease.state === 'held' ? '' : ` <strong>(${escapeHtml(lease.state)})</strong>`}<div class="data">${escapeHtml(lease.controlUrl.replace(/^https?:\/\//, ''))}</div>`
      : '—';
    const left = fault.revertsAt !== null ? `${countdown(fault.revertsAt, nowMs)} left` : 'until the run reverts it';
    return `<tr data-fault="${fault.id}"><td><span class="pill t-fault">${escapeHtml(fault.kind)}</span> ${escapeHtml(fault.description)}</td><td>${escapeHtml(fault.target)}</td><td>${leaseText}</td><td class="num">${left}</td></tr>`;
  });
  const leases = state.leases.filter((lease) => lease.state !== 'released').length;
  const note = `<p class="note">${leases} lease${leases === 1 ? '' : 's'} held. A component reverts what it holds under a lease by itself when the run stops renewing it.</p>`;
  return table(['Fault', 'Target', 'Lease', 'Time left'], rows, model.run.endedAt ? 'The run has ended; every fault it injected was reverted or expired with its lease.' : 'No fault is in force.', [3]) + (rows.length > 0 ? note : '');
}

function renderChecks(model: RunPageModel): string {
  const live = model.run.endedAt ? [] : (model.checks?.checks ?? []);
  const liveRows = live.map((check) => {
    const state = check.value === null ? '<span class="state none">no data</span>' : check.ok ? '<span class="state ok">✓ met</span>' : `<span class="state fail">✗ ${check.kind === 'guardrail' ? 'breached' : 'not met'}</span>`;
    return `<tr class="${check.value !== null && !check.ok ? 'fail' : ''}"><td>${escapeHtml(check.name)}</td><td><span class="pill${check.kind === 'guardrail' ? ' t-guardrail' : ' t-hypothesis'}">${escapeHtml(check.kind)}</span></td><td class="num">${escapeHtml(check.expected)}</td><td class="num">${escapeHtml(check.measured)}</td><td>${state}</td></tr>`;
  });
  const phaseRows = model.state.phaseChecks.map(
    (o) => `<tr class="${o.ok ? '' : 'fail'}"><td>${escapeHtml(o.name)}</td><td><span class="pill">${escapeHtml(o.phase)}</span></td><td class="num">${escapeHtml(o.expected)}</td><td class="num">${escapeHtml(measuredText(o))}</td><td>${o.ok ? '<span class="state ok">✓ met</span>' : '<span class="state fail">✗ not met</span>'}</td></tr>`,
  );
  const head = ['Objective', 'Kind', 'Expected', 'Measured', 'Result'];
  const now = liveRows.length > 0 ? `<h3 class="chart-title">Now, over each trailing window</h3>${table(head, liveRows, '', [2, 3])}` : '';
  const phases = phaseRows.length > 0 ? `<h3 class="chart-title">Checked per phase</h3>${table(head, phaseRows, '', [2, 3])}` : '';
  return now || phases ? now + phases : `<p class="note">${model.run.endedAt ? 'No objective was checked in this run.' : 'No measurement yet: the loads have not reported.'}</p>`;
}

function renderSlis(model: RunPageModel): string {
  const rows = [...model.latest.values()].map(
    (s) =>
      `<tr><td>${escapeHtml(s.load)}${s.source === 'probe' ? ' <span class="pill">probe</span>' : ''}</td><td class="num">${escapeHtml(formatRate(s.rate))}</td><td class="num">${escapeHtml(formatPercent(s.errorRate))}</td><td class="num">${escapeHtml(formatLatency(s.p50))}</td><td class="num">${escapeHtml(formatLatency(s.p99))}</td><td class="num">${escapeHtml(formatRunTime(s.atMs))}</td></tr>`,
  );
  return `<h3 class="chart-title">Latest sample of each series</h3>${table(['Series', 'Rate', 'Error rate', 'p50', 'p99', 'At'], rows, 'No SLI sample yet.', [1, 2, 3, 4, 5])}<p class="note">Latency is measured from each request's intended send time, so a stall cannot hide.</p>`;
}

function renderLevers(model: RunPageModel): string {
  const moves = model.state.levers.map((move) => `<li><span class="pill t-lever">${escapeHtml(move.action)}</span> ${escapeHtml(move.message)}</li>`);
  const board =
    model.levers === null
      ? '<p class="note">This control room serves no levers.</p>'
      : table(
          ['Lever', 'State', 'Changed by'],
          model.levers.map(
            (lever) =>
              `<tr><td><code>${escapeHtml(lever.name)}</code></td><td class="lever-${lever.state}">${lever.state === 'pulled' ? '⏻ pulled' : 'reset'}${lever.lease ? ' (held by a lease)' : ''}</td><td>${escapeHtml(lever.changed_by ?? '—')}</td></tr>`,
          ),
          'No lever is declared.',
        );
  return `${board}${moves.length > 0 ? `<h3 class="chart-title">What this run did to levers</h3><ul class="chips">${moves.join('')}</ul>` : ''}<p class="note"><a href="/levers">Pull or reset a lever</a></p>`;
}

/** The journal, newest first; the live stream prepends rows rendered by journalRow. */
function renderJournal(events: readonly StoredJournalEvent[]): string {
  return [
    '<section class="card" aria-labelledby="journal-title"><h2 id="journal-title">Journal</h2>',
    '<div class="journal" tabindex="0" role="region" aria-label="Journal events, newest first">',
    '<table><thead><tr><th scope="col" class="num">Time</th><th scope="col">Event</th><th scope="col">What happened</th></tr></thead>',
    `<tbody id="journal-rows" role="log">${events.map(journalRow).join('')}</tbody></table></div></section>`,
  ].join('');
}

export function journalRow(event: StoredJournalEvent): string {
  const kind = isOfType(event, 'guardrail.breach', 'abort') ? ' class="breach"' : ROUTINE_EVENTS.has(event.type) ? ' class="routine"' : '';
  return [
    `<tr${kind} data-seq="${event.seq}">`,
    `<td class="num">${escapeHtml(formatRunTime(event.atMs))}</td>`,
    `<td><span class="pill t-${escapeHtml(event.type.split('.')[0])}">${escapeHtml(event.type)}</span></td>`,
    `<td>${escapeHtml(event.message)}${event.data ? `<div class="data mono">${escapeHtml(formatEventData(event.data))}</div>` : ''}</td>`,
    '</tr>',
  ].join('');
}
