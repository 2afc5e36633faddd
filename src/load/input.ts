// Turning what users write (`1000/s`, `30s`, `10s:100/s,30s:1000/s`, `K:V`) into LoadOptions, and
// checking LoadOptions before any traffic is sent. Shared by the CLI and the experiment engine, so a
// stage list means the same thing on the command line and in an experiment file.
import { parseDuration, parseRate, UnitError } from '../units/units.js';
import type { LoadOptions, Stage } from './types.js';

/** Bad load options: nothing was sent. `field` names the option at fault. */
export class LoadInputError extends Error {
  constructor(readonly field: string, message: string) {
    super(`${field}: ${message}`);
  }
}

/** The target did not accept a TCP connection before any request was sent. */
export class LoadTargetUnreachableError extends Error {}

// Bounds that keep every run finite and every number meaningful.
/** The open model's rate when neither --rate nor --stages is given (the usage line of issue 3). */
export const DEFAULT_RATE = '1000/s';

export const LIMITS = {
  maxDurationMs: 24 * 3_600_000,
  maxRate: 1_000_000,
  maxConnections: 10_000,
  maxInFlight: 1_000_000,
  /** Latency histograms track up to 60 s. */
  maxTimeoutMs: 60_000,
  minSampleIntervalMs: 10,
} as const;

function wrap<T>(field: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof UnitError) throw new LoadInputError(field, error.message);
    throw error;
  }
}

export function parseRateOption(field: string, text: string): number {
  return wrap(field, () => parseRate(text));
}

export function parseDurationOption(field: string, text: string): number {
  return wrap(field, () => parseDuration(text));
}

/** `10s:100/s,30s:1000/s,10s:0/s`: each stage ramps linearly to its rate over its duration. */
export function parseStages(text: string, field = 'stages'): Stage[] {
  const parts = text.split(',').map((part) => part.trim());
  return parts.map((part, index) => {
    const match = /^([^:]+):(.+)$/.exec(part);
    if (!match) throw new LoadInputError(`${field}[${index}]`, `expected duration:rate like 30s:1000/s, got "${part}"`);
    return {
      durationMs: parseDurationOption(`${field}[${index}].duration`, match[1]),
      targetRate: parseRateOption(`${field}[${index}].rate`, match[2]),
    };
  });
}

/** `Name: value` (or `Name:value`) into a header pair. */
export function parseHeader(text: string, field = 'header'): [string, string] {
  const colon = text.indexOf(':');
  const name = colon > 0 ? text.slice(0, colon).trim() : '';
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new LoadInputError(field, `expected Name:value, got "${text}"`);
  return [name, text.slice(colon + 1).trim()];
}

/** The target, as an http:// or https:// URL; checked first, so a wrong URL is the error a user sees. */
export function checkUrl(text: string, field = 'url'): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new LoadInputError(field, `expected an absolute http:// or https:// URL, got "${text}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new LoadInputError(field, `expected an http:// or https:// URL, got "${text}"`);
  }
  return url;
}

function checkNumber(field: string, value: number | undefined, min: number, max: number, integer = false): void {
  if (value === undefined) return;
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new LoadInputError(field, `expected ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got ${value}`);
  }
}

/** Throws LoadInputError for anything that would make the run unbounded, meaningless or unsendable. */
export function checkOptions(options: LoadOptions): URL {
  const url = checkUrl(options.url);
  const model = options.model ?? 'open';
  if (model !== 'open' && model !== 'closed') throw new LoadInputError('model', `expected "open" or "closed", got "${model}"`);
  if (model === 'open' && options.rate === undefined && (options.stages === undefined || options.stages.length === 0)) {
    throw new LoadInputError('rate', 'the open model needs a rate (like 200/s) or stages');
  }
  checkNumber('rate', options.rate, 0, LIMITS.maxRate);
  options.stages?.forEach((stage, i) => {
    checkNumber(`stages[${i}].duration`, stage.durationMs, 0, LIMITS.maxDurationMs);
    checkNumber(`stages[${i}].rate`, stage.targetRate, 0, LIMITS.maxRate);
  });
  checkNumber('duration', options.durationMs, 1, LIMITS.maxDurationMs);
  const stagesMs = options.stages?.reduce((sum, s) => sum + s.durationMs, 0);
  if (options.durationMs === undefined && stagesMs !== undefined && options.stages!.length > 0 && stagesMs <= 0) {
    throw new LoadInputError('stages', 'the stages last 0 ms in total; give them a duration');
  }
  if (stagesMs !== undefined && stagesMs > LIMITS.maxDurationMs) throw new LoadInputError('stages', `the stages last longer than ${LIMITS.maxDurationMs / 3_600_000} h`);
  checkNumber('connections', options.connections, 1, LIMITS.maxConnections, true);
  checkNumber('maxInFlight', options.maxInFlight, 1, LIMITS.maxInFlight, true);
  checkNumber('timeout', options.timeoutMs, 1, LIMITS.maxTimeoutMs);
  checkNumber('sampleInterval', options.sampleIntervalMs, LIMITS.minSampleIntervalMs, LIMITS.maxDurationMs);
  if (options.method !== undefined && !/^[A-Z]+$/.test(options.method)) {
    throw new LoadInputError('method', `expected an HTTP method like GET or POST, got "${options.method}"`);
  }
  return url;
}
