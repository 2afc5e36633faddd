import { z } from 'zod';
import { duration } from '../units/units-schema.js';
import { formatDuration } from '../units/units.js';
import { streamParams, toxicFault } from './proxy-toxic.js';

export const slowCloseFault = toxicFault({
  kind: 'slow-close',
  toxicType: 'slow_close',
  summary: 'Delays closing connections through a proxy',
  params: z.object({ delay: duration.meta({ description: 'How long closing a connection is held back' }), ...streamParams }).strict(),
  attributes: (p) => ({ delay: p.delay }),
  describe: (p) => `slow close ${formatDuration(p.delay)} on ${p.stream}`,
});
