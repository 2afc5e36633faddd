import { z } from 'zod';
import type { ResolvedTarget } from '../faults/fault.js';
import { connectLevers } from './client.js';

// The `levers` target kind for experiments: the lever service a run's `lever` steps act on.
//   targets:
//     shop-levers: { kind: levers, control: http://127.0.0.1:8475 }
// It has the shape of the engine's TargetKind (src/experiment/target-kinds.ts), so registering it there
// is one line. Resolving it asks the service for its levers, so an unreachable service is found before
// anything is touched (exit 3).

export const leverTargetSchema = z.strictObject({
  kind: z.literal('levers'),
  control: z.url().default('http://127.0.0.1:8475').meta({ description: 'The lever service (`gameday serve`)' }),
  token: z.string().optional().meta({ description: 'Access token of a lever service bound beyond loopback' }),
});

export const leverTargetKind = {
  kind: 'levers',
  summary: 'A lever service; `lever` steps pull and reset its levers under the run\'s lease',
  schema: leverTargetSchema,
  async resolve(name: string, declaration: Record<string, unknown>): Promise<ResolvedTarget[]> {
    const target = leverTargetSchema.parse(declaration);
    const levers = await connectLevers(target.control, { token: target.token }).list();
    // The selector names every lever the service knows: a step may only touch one of them (checked in preflight).
    return [{ name, kind: 'levers', controlUrl: target.control, token: target.token, selector: levers.map((lever) => lever.name).join(',') }];
  },
};
