import { escapeHtml, formatSpan, formatWallClock } from '../report/format.js';
import { verdictWords } from '../report/verdict.js';
import type { RunRecord } from '../store/runs.js';

// Small pieces every dashboard page shares: how a run's status is said (words, never colour alone), a
// time that keeps counting in the browser, a table or an empty note.

/** A span that the page's script keeps current; without script it says what it was when the page was made. */
export function countdown(untilEpochMs: number, nowMs = Date.now()): string {
  return `<time class="tick" data-until="${Math.round(untilEpochMs)}" datetime="${new Date(untilEpochMs).toISOString()}">${escapeHtml(formatSpan(Math.max(0, untilEpochMs - nowMs)))}</time>`;
}

export function elapsed(sinceEpochMs: number, nowMs = Date.now()): string {
  return `<time class="tick" data-since="${Math.round(sinceEpochMs)}" datetime="${new Date(sinceEpochMs).toISOString()}">${escapeHtml(formatSpan(Math.max(0, nowMs - sinceEpochMs)))}</time>`;
}

/** A run's state in words with its colour: "running", "held", "aborted", "halted · aborted" … */
export function runStatus(run: Pick<RunRecord, 'status' | 'verdict' | 'endedAt'>): string {
  if (!run.endedAt) {
    return run.status === 'halted' ? '<span class="run-pill tone-aborted">halting</span>' : '<span class="run-pill tone-live"><span aria-hidden="true">● </span>running</span>';
  }
  const words = verdictWords(run.verdict);
  const halted = run.status === 'halted' ? '<span class="run-pill tone-aborted">halted</span> ' : '';
  return `${halted}<span class="run-pill tone-${words.tone}">${escapeHtml(words.word.toLowerCase())}</span>`;
}

export function when(iso: string | null): string {
  return iso ? `<time datetime="${escapeHtml(iso)}">${escapeHtml(formatWallClock(iso))}</time>` : '—';
}

export function table(head: readonly string[], rows: readonly string[], empty: string, numeric: readonly number[] = []): string {
  if (rows.length === 0) return `<p class="note">${escapeHtml(empty)}</p>`;
  const th = head.map((h, i) => `<th scope="col"${numeric.includes(i) ? ' class="num"' : ''}>${escapeHtml(h)}</th>`).join('');
  return `<table><thead><tr>${th}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}
