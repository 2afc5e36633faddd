import { z } from 'zod';
import { duration } from '../units/units-schema.js';
import { formatDuration } from '../units/units.js';
import { streamParams, toxicFault } from './proxy-toxic.js';

export const latencyFault = toxicFault({
  kind: 'latency',
  toxicType: 'latency',
  summary: 'Adds a delay (with optional jitter) to data through a proxy',
  params: z
    .object({
      latency: duration.meta({ description: 'Delay added to the data' }),
      jitter: duration.optional().meta({ description: 'The delay varies at random by up to this much, either way' }),
      ...streamParams,
    })
    .strict(),
  attributes: (p) => ({ latency: p.latency, jitter: p.jitter ?? 0 }),
  describe: (p) => `latency ${formatDuration(p.latency)}${p.jitter ? ` ± ${formatDuration(p.jitter)}` : ''} on ${p.stream}`,
});
