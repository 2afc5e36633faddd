import { z } from 'zod';
import { requestFaultParts, requestMatch } from './http-match.js';
import type { ToxicKind } from './toxic.js';

const attributes = z.object({ ...requestMatch });
type Attributes = z.infer<typeof attributes>;

// The request reaches the service, but the connection is closed half-way through its response.
export const httpAbort: ToxicKind<Attributes> = {
  type: 'http_abort',
  summary: 'closes the connection in the middle of the response to a share of matching requests',
  scope: 'request',
  attributes,
  onRequest: () => ({ kind: 'abort' }),
  ...requestFaultParts,
};
