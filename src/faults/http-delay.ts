import { z } from 'zod';
import { duration } from '../units/units-schema.js';
import { formatDuration } from '../units/units.js';
import { httpMatchParams, toxicFault } from './proxy-toxic.js';
import { httpAttributes, describeHttp } from './http-fault.js';

export const httpDelayFault = toxicFault({
  kind: 'http-delay',
  toxicType: 'http_delay',
  summary: 'Delays HTTP requests through a proxy before forwarding them',
  params: z.object({ delay: duration.meta({ description: 'How long a request waits before it is forwarded' }), ...httpMatchParams }).strict(),
  attributes: (p) => ({ delay: p.delay, ...httpAttributes(p) }),
  describe: (p) => `HTTP delay ${formatDuration(p.delay)} for ${describeHttp(p)}`,
});
