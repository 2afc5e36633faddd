import { z } from 'zod';
import { httpMatchParams, toxicFault } from './proxy-toxic.js';
import { httpAttributes, describeHttp } from './http-fault.js';

export const httpAbortFault = toxicFault({
  kind: 'http-abort',
  toxicType: 'http_abort',
  summary: 'Aborts HTTP requests through a proxy (the connection is closed without a response)',
  params: z.object({ ...httpMatchParams }).strict(),
  attributes: (p) => httpAttributes(p),
  describe: (p) => `HTTP abort for ${describeHttp(p)}`,
});
