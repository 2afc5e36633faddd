import { z } from 'zod';
import { parsePercentage } from '../../units/units.js';
import type { RequestHead } from './toxic.js';

// What every HTTP fault shares: which requests it may hit, and how many of them.
export const requestMatch = {
  /** e.g. "GET"; any method when absent. */
  method: z.string().min(1).optional(),
  /** e.g. "/api/"; any path when absent. */
  path_prefix: z.string().startsWith('/').optional(),
  /** "Name: value" (exact value) or "Name" (present); any request when absent. */
  header: z.string().min(1).optional(),
  /** Share of matching requests that get the fault: 0..100 or "30%". */
  percentage: z
    .union([z.number().min(0).max(100), z.string()])
    .default(100)
    .transform((value, ctx) => {
      try {
        return parsePercentage(value) * 100;
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
};

export interface RequestMatch {
  method?: string;
  path_prefix?: string;
  header?: string;
  percentage: number;
}

export function matchesRequest(match: RequestMatch, request: RequestHead): boolean {
  if (match.method && match.method.toUpperCase() !== request.method) return false;
  if (match.path_prefix && !request.path.startsWith(match.path_prefix)) return false;
  if (match.header) {
    const colon = match.header.indexOf(':');
    const name = (colon < 0 ? match.header : match.header.slice(0, colon)).trim().toLowerCase();
    const value = request.headers[name];
    if (value === undefined) return false;
    if (colon >= 0 && value !== match.header.slice(colon + 1).trim()) return false;
  }
  return true;
}

export const requestFaultParts = {
  matches: (attributes: RequestMatch, request: RequestHead) => matchesRequest(attributes, request),
  share: (attributes: RequestMatch) => attributes.percentage / 100,
};
