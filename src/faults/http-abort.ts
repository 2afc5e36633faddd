import { z } from 'zod';
import { httpMatchParams, toxicFault } from './proxy-toxic.js';
import { httpAttributes, describeHttp } from './http-fault.js';

export const httpAbortFault = toxicFault({
  kind: 'http-abort',
  toxicType: 'http_abort',
  summary: 'Cuts HTTP responses through a proxy mid-way (the connection is closed part-way through the response)',
  params: z.object({ ...httpMatchParams }).strict(),
  attributes: (p) => httpAttributes(p),
  describe: (p) => `HTTP abort for ${describeHttp(p)}`,
});
