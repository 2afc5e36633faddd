import { z } from 'zod';
import { duration } from '../units/units-schema.js';
import { streamParams, toxicFault } from './proxy-toxic.js';

export const slicerFault = toxicFault({
  kind: 'slicer',
  toxicType: 'slicer',
  summary: 'Slices data through a proxy into small packets with a delay between them',
  params: z
    .object({
      averageSize: z.number().int().positive().meta({ description: 'Average packet size in bytes' }),
      sizeVariation: z.number().int().nonnegative().default(0).meta({ description: 'Packet sizes vary at random by up to this many bytes' }),
      delay: duration.prefault('0ms').meta({ description: 'Delay between packets' }),
      ...streamParams,
    })
    .strict(),
  // Toxiproxy's slicer takes its delay in microseconds.
  attributes: (p) => ({ average_size: p.averageSize, size_variation: p.sizeVariation, delay: Math.round(p.delay * 1000) }),
  describe: (p) => `slicing into ~${p.averageSize}-byte packets on ${p.stream}`,
});
