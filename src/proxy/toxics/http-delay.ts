import { z } from 'zod';
import { requestFaultParts, requestMatch } from './http-match.js';
import type { ToxicKind } from './toxic.js';

const attributes = z.object({
  delay: z.number().int().min(0).default(0),
  ...requestMatch,
});
type Attributes = z.infer<typeof attributes>;

// Holds a matching request for `delay` ms before it goes to the service; later requests on the same
// connection queue behind it, as they would behind a slow server.
export const httpDelay: ToxicKind<Attributes> = {
  type: 'http_delay',
  summary: 'delays a share of matching requests by delay (ms)',
  scope: 'request',
  attributes,
  onRequest: (a) => ({ kind: 'delay', ms: a.delay }),
  ...requestFaultParts,
};
