import { z } from 'zod';
import { duration } from '../units/units-schema.js';
import { formatDuration } from '../units/units.js';
import { streamParams, toxicFault } from './proxy-toxic.js';

export const timeoutFault = toxicFault({
  kind: 'timeout',
  toxicType: 'timeout',
  summary: 'Black-holes data through a proxy, closing the connection after a timeout (0ms: never)',
  params: z.object({ timeout: duration.prefault('0ms').meta({ description: '0ms keeps the black hole open until reverted' }), ...streamParams }).strict(),
  attributes: (p) => ({ timeout: p.timeout }),
  describe: (p) => `black hole${p.timeout ? `, closing after ${formatDuration(p.timeout)}` : ''} on ${p.stream}`,
});
