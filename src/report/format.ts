// How numbers and text from a journal are shown to people, shared by the HTML and the Markdown report
// so that a value reads the same in both. Every formatter accepts anything, because journal.json is read
// back from disk: NaN becomes null in JSON, and a value a person must read is never shown as "NaN".

import type { ObjectiveResult } from '../journal/outcome.js';

/** A number that can be drawn or summed: finite, not null, not NaN. */
export function isMeasured(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and attribute values (journal text is user input). */
export function escapeHtml(text: unknown): string {
  return String(text ?? '').replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/**
 * Escapes text for inline Markdown: no emphasis, links, images, raw HTML, strikethrough or table breaks
 * can come from a title or a message, and newlines collapse so one value stays on one table row.
 * Text that starts a line (a paragraph, a quote) also has its line-start markers (#, +, -, 1.)
 * escaped, so it cannot become a heading or a list.
 */
export function escapeMarkdown(text: unknown, startsLine = false): string {
  const inline = String(text ?? '')
    .replace(/\r?\n|\r/g, ' ')
    .replace(/[\\`*_[\]<>|~]/g, (c) => `\\${c}`);
  if (!startsLine) return inline;
  return inline.replace(/^(\s*)([#+=-]|\d+(?=[.)]))/, (_, space: string, lead: string) => `${space}${/\d/.test(lead) ? `${lead}\\` : `\\${lead}`}`);
}

/**
 * An identifier (run id, file, SLI, target) as an inline code span, which shows text literally. The
 * fence is longer than any run of backticks inside; a pipe is still escaped because GitHub splits
 * table cells before it parses code spans.
 */
export function markdownCode(text: unknown, inTableCell = false): string {
  const value = String(text ?? '').replace(/\r?\n|\r/g, ' ');
  if (value === '') return '';
  const longest = Math.max(0, ...(value.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const padded = value.startsWith('`') || value.endsWith('`') ? ` ${value} ` : value;
  const code = `${fence}${padded}${fence}`;
  return inTableCell ? code.replace(/\|/g, '\\|') : code;
}

/** Milliseconds as people read latency: "0.8 ms", "212 ms", "1.52 s". */
export function formatLatency(ms: unknown): string {
  if (!isMeasured(ms)) return '—';
  if (ms < 10) return `${trimZeros(ms.toFixed(1))} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${trimZeros((ms / 1000).toFixed(2))} s`;
  return `${trimZeros((ms / 60_000).toFixed(1))} min`;
}

/** A ratio 0..1 as a percentage with enough digits that 99.95% does not read as 100%. */
export function formatPercent(ratio: unknown): string {
  if (!isMeasured(ratio)) return '—';
  const pct = ratio * 100;
  if (pct === 0) return '0%';
  if (pct >= 99.99 && pct < 100) return `${trimZeros(pct.toFixed(3))}%`;
  if (pct < 0.01) return '<0.01%';
  if (pct < 10 || pct > 90) return `${trimZeros(pct.toFixed(2))}%`;
  return `${trimZeros(pct.toFixed(1))}%`;
}

/** Requests per second: "0.5/s", "212/s", "12,400/s". */
export function formatRate(perSecond: unknown): string {
  if (!isMeasured(perSecond)) return '—';
  return `${perSecond < 10 ? trimZeros(perSecond.toFixed(1)) : formatCount(Math.round(perSecond))}/s`;
}

/** A whole count with thousands separators, independent of the machine's locale. */
export function formatCount(n: unknown): string {
  if (!isMeasured(n)) return '—';
  return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A point in the run, as the time axis shows it: seconds since start. */
export function formatRunTime(ms: unknown): string {
  if (!isMeasured(ms)) return '—';
  return `${trimZeros((ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1))} s`;
}

/** A span people read at a glance: "850 ms", "42.5 s", "12 min 5 s", "2 h 3 min". */
export function formatSpan(ms: unknown): string {
  if (!isMeasured(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${trimZeros((ms / 1000).toFixed(1))} s`;
  const totalSeconds = Math.round(ms / 1000);
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  if (h > 0) return m > 0 ? `${h} h ${m} min` : `${h} h`;
  return s > 0 ? `${m} min ${s} s` : `${m} min`;
}

/** An ISO timestamp as "2026-11-25 08:01:36 UTC"; anything else is shown as written. */
export function formatWallClock(iso: unknown): string {
  const text = String(iso ?? '');
  const date = new Date(text);
  if (text === '' || Number.isNaN(date.getTime())) return text || '—';
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** Event data in one short line; long payloads are cut, the journal keeps them whole. */
export function formatEventData(data: Record<string, unknown> | undefined, maxChars = 160): string {
  if (!data || typeof data !== 'object' || Object.keys(data).length === 0) return '';
  const parts = Object.entries(data).map(([key, value]) => {
    const shown = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
    return `${key}=${shown}`;
  });
  const line = parts.join(' ');
  return line.length > maxChars ? `${line.slice(0, maxChars - 1)}…` : line;
}

/** What a person reads in the "measured" column; a missing measurement says so instead of "NaN". */
export function measuredText(objective: Pick<ObjectiveResult, 'measured' | 'measuredValue'>): string {
  const text = String(objective.measured ?? '').trim();
  if (text !== '' && text !== 'NaN' && text !== 'null' && text !== 'undefined') return text;
  return isMeasured(objective.measuredValue) ? String(objective.measuredValue) : 'no data';
}

function trimZeros(fixed: string): string {
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}
