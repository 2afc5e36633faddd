import { z } from 'zod';
import { duration } from '../units/units-schema.js';
import { formatDuration } from '../units/units.js';
import { streamParams, toxicFault } from './proxy-toxic.js';

export const resetPeerFault = toxicFault({
  kind: 'reset-peer',
  toxicType: 'reset_peer',
  summary: 'Resets connections through a proxy (TCP RST) after a timeout',
  params: z.object({ timeout: duration.prefault('0ms').meta({ description: 'Reset after this long (0ms: at once)' }), ...streamParams }).strict(),
  attributes: (p) => ({ timeout: p.timeout }),
  describe: (p) => `connection reset${p.timeout ? ` after ${formatDuration(p.timeout)}` : ''} on ${p.stream}`,
});
