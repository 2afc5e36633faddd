import { z } from 'zod';
import { callControl, checkRegionCanLeave, revertHeldFault } from '../fleet/control-client.js';
import type { FaultDefinition } from './fault.js';

// isolate-region: black-hole a whole region at the gateway, as a network partition would: requests and
// health checks sent there get no answer, so the gateway must detect it and route around it. The revert
// reconnects the region. Isolating the last region that could take traffic is refused.

const IsolateParams = z.object({}).strict();

export const isolateRegion: FaultDefinition<z.infer<typeof IsolateParams>> = {
  kind: 'isolate-region',
  summary: 'Black-hole a whole region at the gateway (a partition); revert reconnects it',
  targetKind: 'gateway',
  params: IsolateParams,
  describe(target) {
    return `black-hole region ${target.selector}: requests and health checks get no answer (gateway ${target.name}); revert reconnects it`;
  },
  async preflight(target, _params, ctx) {
    await checkRegionCanLeave(target, 'isolate', ctx);
  },
  async inject(target, _params, ctx) {
    const lease = await ctx.leaseFor(target);
    const { fault } = await callControl<{ fault: { id: string } }>(target, 'POST', `/regions/${encodeURIComponent(target.selector)}/isolate`, {
      lease,
      signal: ctx.signal,
    });
    ctx.note('region.isolated', `region ${target.selector} is black-holed`, { target: target.name, region: target.selector });
    return revertHeldFault(target, fault.id, ctx, 'isolate-region');
  },
};
