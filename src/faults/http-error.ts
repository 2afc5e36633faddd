import { z } from 'zod';
import { httpMatchParams, toxicFault } from './proxy-toxic.js';
import { httpAttributes, describeHttp } from './http-fault.js';

export const httpErrorFault = toxicFault({
  kind: 'http-error',
  toxicType: 'http_error',
  summary: 'Answers HTTP requests through a proxy with an error status instead of forwarding them',
  params: z
    .object({
      status: z.number().int().min(400).max(599).default(503).meta({ description: 'The status the proxy answers with' }),
      body: z.string().optional().meta({ description: 'The body it answers with (default: a line naming the injected error)' }),
      ...httpMatchParams,
    })
    .strict(),
  attributes: (p) => ({ status: p.status, ...(p.body === undefined ? {} : { body: p.body }), ...httpAttributes(p) }),
  describe: (p) => `HTTP ${p.status} for ${describeHttp(p)}`,
});
