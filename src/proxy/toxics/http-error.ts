import { z } from 'zod';
import { requestFaultParts, requestMatch } from './http-match.js';
import type { ToxicKind } from './toxic.js';

const attributes = z.object({
  status: z.number().int().min(100).max(599).default(500),
  body: z.string().default('gameday proxy: injected error\n'),
  content_type: z.string().default('text/plain; charset=utf-8'),
  ...requestMatch,
});
type Attributes = z.infer<typeof attributes>;

// The request never reaches the service: the proxy answers in its place, keeping the connection alive.
export const httpError: ToxicKind<Attributes> = {
  type: 'http_error',
  summary: 'answers a share of matching requests with status and body instead of the service',
  scope: 'request',
  attributes,
  onRequest: (a) => ({ kind: 'error', status: a.status, body: a.body, contentType: a.content_type }),
  ...requestFaultParts,
};
