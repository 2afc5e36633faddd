import { z } from 'zod';
import { callControl, checkRegionCanLeave, revertHeldFault } from '../fleet/control-client.js';
import { parseDuration } from '../units/units.js';
import type { FaultDefinition } from './fault.js';

// evacuate-region: shift traffic out of a region at the region gateway (weight to 0, at once or in
// equal steps); the revert shifts it back the same way. Evacuating the last region that could take the
// traffic is refused before anything changes.

const EvacuateParams = z
  .object({
    steps: z.number().int().min(1).max(100).default(1).describe('Lower the weight to 0 in this many equal steps'),
    stepInterval: z.string().default('1s').describe('Time between steps, e.g. 5s'),
  })
  .strict();

type EvacuateParamsInput = z.infer<typeof EvacuateParams>;

export const evacuateRegion: FaultDefinition<EvacuateParamsInput> = {
  kind: 'evacuate-region',
  summary: 'Shift all traffic out of a region at the gateway (optionally in steps); revert shifts it back',
  targetKind: 'gateway',
  params: EvacuateParams,
  describe(target, params) {
    const how = params.steps > 1 ? ` in ${params.steps} steps, ${params.stepInterval} apart` : ' at once';
    return `shift all traffic out of region ${target.selector}${how} (gateway ${target.name}); revert shifts it back`;
  },
  async preflight(target, params, ctx) {
    parseDuration(params.stepInterval);
    await checkRegionCanLeave(target, 'evacuate', ctx);
  },
  async inject(target, params, ctx) {
    const lease = await ctx.leaseFor(target);
    const { fault } = await callControl<{ fault: { id: string } }>(target, 'POST', `/regions/${encodeURIComponent(target.selector)}/evacuate`, {
      body: { steps: params.steps, stepIntervalMs: parseDuration(params.stepInterval) },
      lease,
      signal: ctx.signal,
    });
    ctx.note('region.evacuating', `shifting traffic out of ${target.selector}${params.steps > 1 ? ` in ${params.steps} steps` : ''}`, { target: target.name, region: target.selector, steps: params.steps });
    return revertHeldFault(target, fault.id, ctx, 'evacuate-region');
  },
};
