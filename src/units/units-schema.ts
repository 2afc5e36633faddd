import { z } from 'zod';
import { parseDuration, parsePercentage, parseRate } from './units.js';

// The units users write in experiment files, as zod schemas: validated and converted once, at load time,
// with the same parsers the CLI uses. The JSON Schema shows the pattern so editors check them as you type.

const DURATION_HINT = 'expected a duration like 250ms, 5s or 2m';
const RATE_HINT = 'expected a rate like 200/s';
const PERCENTAGE_HINT = 'expected a percentage like 99.9%';

export const duration = z
  .string({ error: DURATION_HINT })
  .regex(/^\s*(\d+(\.\d+)?(ms|s|m|h))+\s*$/, { error: DURATION_HINT })
  .transform((text) => parseDuration(text))
  .meta({ description: 'A duration: 250ms, 5s, 2m, 1m30s', examples: ['250ms', '5s', '2m'] });

export const rate = z
  .union([z.number({ error: RATE_HINT }).nonnegative({ error: RATE_HINT }), z.string().regex(/^\s*\d+(\.\d+)?\s*\/\s*(s|m|h)\s*$/, { error: RATE_HINT })], { error: RATE_HINT })
  .transform((value) => parseRate(value))
  .meta({ description: 'A rate: 200/s, 12000/m (a bare number is per second)', examples: ['200/s'] });

export const percentage = z
  .union([z.number({ error: PERCENTAGE_HINT }).min(0, { error: PERCENTAGE_HINT }).max(100, { error: PERCENTAGE_HINT }), z.string().regex(/^\s*(100(\.0+)?|\d{1,2}(\.\d+)?)\s*%\s*$/, { error: PERCENTAGE_HINT })], { error: PERCENTAGE_HINT })
  .transform((value) => parsePercentage(value))
  .meta({ description: 'A percentage: 99.9% (a bare number is a percentage too)', examples: ['99.9%', '5%'] });

/** A duration bounded on both sides, e.g. a lease TTL that every component will accept. */
export function durationBetween(minMs: number, maxMs: number, min: string, max: string) {
  return duration.refine((ms) => ms >= minMs && ms <= maxMs, { error: `expected a duration between ${min} and ${max}` });
}
