// The units users write in experiments and on the command line: durations (`250ms`, `5s`, `2m`, `1h`),
// rates (`200/s`, `12000/m`) and percentages (`99.9%`). One parser each, shared by every capability,
// so a value means the same thing in a YAML file and on the CLI.

export class UnitError extends Error {}

const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses `250ms`, `5s`, `1.5s`, `2m`, `1h`, or a compound like `1m30s`, into milliseconds. */
export function parseDuration(text: string): number {
  const trimmed = String(text).trim();
  const pattern = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(trimmed)) !== null) {
    total += Number(match[1]) * DURATION_UNITS_MS[match[2]];
    consumed = pattern.lastIndex;
  }
  if (trimmed.length === 0 || consumed !== trimmed.length) {
    throw new UnitError(`expected a duration like 250ms, 5s or 2m, got "${text}"`);
  }
  return total;
}

/** Formats milliseconds the way users write them: 250ms, 5s, 2m30s. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${+(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)}s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return seconds === 0 ? `${minutes}m` : `${minutes}m${seconds}s`;
}

const RATE_UNITS_PER_S: Record<string, number> = { s: 1, m: 1 / 60, h: 1 / 3600 };

/** Parses `200/s`, `12000/m` or a bare number (per second) into requests per second. */
export function parseRate(text: string | number): number {
  if (typeof text === 'number' && Number.isFinite(text) && text >= 0) return text;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(?:\/\s*(s|m|h))?\s*$/.exec(String(text));
  if (!match) throw new UnitError(`expected a rate like 200/s, got "${text}"`);
  return Number(match[1]) * RATE_UNITS_PER_S[match[2] ?? 's'];
}

/** Parses `99.9%` (or a bare number between 0 and 100) into a fraction between 0 and 1. */
export function parsePercentage(text: string | number): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(String(text));
  const value = match ? Number(match[1]) : NaN;
  if (!match || value > 100) throw new UnitError(`expected a percentage like 99.9%, got "${text}"`);
  // Rounded so that 99.9% is exactly 0.999, not 0.9990000000000001, when shown back to the user.
  return Math.round(value * 1e6) / 1e8;
}
