import { z } from 'zod';
import { streamParams, toxicFault } from './proxy-toxic.js';

export const limitDataFault = toxicFault({
  kind: 'limit-data',
  toxicType: 'limit_data',
  summary: 'Closes connections through a proxy after a number of bytes',
  params: z.object({ bytes: z.number().int().positive().meta({ description: 'Bytes let through before the connection is closed' }), ...streamParams }).strict(),
  attributes: (p) => ({ bytes: p.bytes }),
  describe: (p) => `close after ${p.bytes} bytes on ${p.stream}`,
});
