// Human renderings of a load run: the one-line progress shown while it runs and the end-of-test
// summary (in the spirit of k6's). Pure string functions; the CLI decides where they go.
import { formatDuration } from '../units/units.js';
import { ERROR_KINDS } from './recorder.js';
import type { ErrorKind, LatencySummary, LoadSample, LoadSummary } from './types.js';

export function formatMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)}s`;
  if (ms >= 100) return `${ms.toFixed(0)}ms`;
  if (ms >= 10) return `${ms.toFixed(1)}ms`;
  return `${ms.toFixed(2)}ms`;
}

function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

function errorList(errors: Record<ErrorKind, number>): string {
  const parts = ERROR_KINDS.filter((kind) => errors[kind] > 0).map((kind) => `${kind} ${formatCount(errors[kind])}`);
  return parts.length === 0 ? '0' : parts.join(', ');
}

function errorTotal(errors: Record<ErrorKind, number>): number {
  return ERROR_KINDS.reduce((sum, kind) => sum + errors[kind], 0);
}

/**
 * `  12s  1,000/s of 1,000/s  ok 1,000  err 0  drop 0  p50 1.20ms  p99 4.10ms  p99.9 9.00ms  max 12.0ms`;
 * in the open model, "of" is the rate the schedule asked for in that interval (so ramps read naturally).
 */
export function formatProgress(sample: LoadSample, model: 'open' | 'closed'): string {
  const asked = sample.intervalMs > 0 ? (sample.scheduled * 1000) / sample.intervalMs : 0;
  const rate = `${formatCount(sample.achievedRate)}/s${model === 'open' ? ` of ${formatCount(asked)}/s` : ''}`;
  const l = sample.latency;
  return [
    formatDuration(sample.atMs).padStart(6),
    rate,
    `ok ${formatCount(sample.ok)}`,
    `err ${formatCount(errorTotal(sample.errors))}`,
    `drop ${formatCount(sample.dropped)}`,
    `p50 ${formatMs(l.p50)}`,
    `p99 ${formatMs(l.p99)}`,
    `p99.9 ${formatMs(l.p999)}`,
    `max ${formatMs(l.max)}`,
  ].join('  ');
}

function latencyLine(l: LatencySummary): string {
  return `p50=${formatMs(l.p50)} p90=${formatMs(l.p90)} p99=${formatMs(l.p99)} p99.9=${formatMs(l.p999)} max=${formatMs(l.max)} mean=${formatMs(l.mean)}`;
}

export function formatSummary(summary: LoadSummary & { connections?: number; scheduled?: number }): string {
  const rows: [string, string][] = [];
  const shape = summary.model === 'open' ? `open model, target ${summary.targetRate === null ? '—' : `${formatCount(summary.targetRate)}/s`}` : 'closed model';
  rows.push(['target', `${summary.url} (${shape}${summary.connections ? `, ${summary.connections} connections` : ''})`]);
  rows.push(['duration', `${formatDuration(summary.durationMs)}${summary.cancelled ? ' (cancelled)' : ''}`]);
  rows.push(['requests', `${formatCount(summary.requests)}  ${summary.achievedRate.toFixed(1)}/s`]);
  const okShare = summary.requests > 0 ? ` (${((summary.ok / summary.requests) * 100).toFixed(2)}%)` : '';
  rows.push(['ok', `${formatCount(summary.ok)}${okShare}`]);
  rows.push(['errors', errorList(summary.errors)]);
  if (summary.model === 'open') rows.push(['dropped', `${formatCount(summary.dropped)}${summary.dropped > 0 ? '  (in-flight cap reached; raise --max-in-flight or --connections)' : ''}`]);
  rows.push(['latency', latencyLine(summary.latency)]);
  rows.push(['service time', latencyLine(summary.serviceTime)]);
  rows.push(['data received', formatBytes(summary.bytesReceived)]);
  const width = Math.max(...rows.map(([name]) => name.length)) + 3;
  const lines = rows.map(([name, value]) => `  ${name} ${'.'.repeat(width - name.length)}: ${value}`);
  if (summary.model === 'open') lines.push('  (latency counts from each request\'s intended start, so stalls are not hidden; service time from its send)');
  return lines.join('\n');
}
