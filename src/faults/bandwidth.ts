import { z } from 'zod';
import { streamParams, toxicFault } from './proxy-toxic.js';

export const bandwidthFault = toxicFault({
  kind: 'bandwidth',
  toxicType: 'bandwidth',
  summary: 'Limits a proxy link to a rate in KB/s',
  params: z.object({ rate: z.number().nonnegative().meta({ description: 'KB per second' }), ...streamParams }).strict(),
  attributes: (p) => ({ rate: p.rate }),
  describe: (p) => `bandwidth ${p.rate} KB/s on ${p.stream}`,
});
