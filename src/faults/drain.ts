import { z } from 'zod';
import type { InstanceView } from '../fleet/declaration.js';
import {
  callControl,
  describeSelection,
  parseFleetSelector,
  PercentParam,
  previewSelection,
  revertHeldFault,
  toSelection,
} from '../fleet/control-client.js';
import { parseDuration } from '../units/units.js';
import type { FaultContext, FaultDefinition, ResolvedTarget, Revert } from './fault.js';

// drain: stop routing new requests to instances, let in-flight requests finish, then stop them. The
// selector names one instance (service/region/index) or a service (optionally /region) to select from.
// The revert (or the lease running out) re-admits or restarts them.

const DrainParams = z
  .object({
    count: z.number().int().min(1).optional().describe('How many instances when the selector names a service (default 1)'),
    percent: PercentParam.optional(),
    region: z.string().optional().describe('Only instances in this region (or give it in the selector: service/region)'),
    grace: z.string().optional().describe('Longest wait for in-flight requests before SIGKILL, e.g. 10s'),
    deregistrationDelay: z
      .string()
      .optional()
      .describe('Wait this long after routing stops before SIGTERM, for gateways that poll the fleet, e.g. 1s'),
  })
  .strict()
  .refine((p) => p.count === undefined || p.percent === undefined, 'give at most one of "count" or "percent"');

type DrainParamsInput = z.infer<typeof DrainParams>;

function selectionOf(params: DrainParamsInput) {
  return params.percent !== undefined ? { percent: params.percent } : { count: params.count ?? 1 };
}

async function chosen(target: ResolvedTarget, params: DrainParamsInput, ctx: FaultContext): Promise<string[]> {
  const { service, region, instance } = parseFleetSelector(target.selector, params.region);
  if (instance) {
    const all = await callControl<InstanceView[]>(target, 'GET', `/instances?service=${encodeURIComponent(service)}`, { signal: ctx.signal });
    const found = all.find((i) => i.id === instance);
    if (!found) throw new Error(`target ${target.name}: no instance ${instance} in the fleet`);
    if (found.pid === null || found.state === 'draining') throw new Error(`target ${target.name}: instance ${instance} is ${found.state}; only a running instance can be drained`);
    if (target.blastRadius?.maxInstances === 0) throw new Error(`target ${target.name}: the blast radius allows 0 instances`);
    return [instance];
  }
  const instances = await previewSelection(target, service, toSelection(selectionOf(params), region, target), ctx);
  return instances.map((i) => i.id);
}

export const drain: FaultDefinition<DrainParamsInput> = {
  kind: 'drain',
  summary: 'Stop routing new requests to instances, let in-flight ones finish, then stop them; revert re-admits them',
  targetKind: 'fleet',
  params: DrainParams,
  describe(target, params) {
    const { service, region, instance } = parseFleetSelector(target.selector, params.region);
    const what = instance ?? describeSelection(selectionOf(params), service, region);
    return `drain ${what} (fleet ${target.name}): no new requests, in-flight ones finish${params.grace ? ` within ${params.grace}` : ''}, then stop; revert re-admits`;
  },
  async preflight(target, params, ctx) {
    if (params.grace !== undefined) parseDuration(params.grace);
    if (params.deregistrationDelay !== undefined) parseDuration(params.deregistrationDelay);
    return { instances: (await chosen(target, params, ctx)).length };
  },
  async inject(target, params, ctx) {
    const ids = await chosen(target, params, ctx);
    const lease = await ctx.leaseFor(target);
    const body = {
      graceMs: params.grace === undefined ? undefined : parseDuration(params.grace),
      deregistrationDelayMs: params.deregistrationDelay === undefined ? undefined : parseDuration(params.deregistrationDelay),
    };
    const reverts: Revert[] = [];
    for (const id of ids) {
      const { fault } = await callControl<{ fault: { id: string } }>(target, 'POST', `/instances/${id}/drain`, { body, lease, signal: ctx.signal });
      reverts.push(revertHeldFault(target, fault.id, ctx, 'drain', id));
    }
    ctx.note('instances.draining', `draining ${ids.join(', ')}`, { target: target.name, instances: ids });
    return async () => {
      await Promise.all(reverts.map((revert) => revert()));
    };
  },
};
