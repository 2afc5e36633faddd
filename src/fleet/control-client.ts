import { z } from 'zod';
import { parsePercentage } from '../units/units.js';
import type { InstanceView, Selection } from './declaration.js';
import type { FaultContext, ResolvedTarget, Revert } from '../faults/fault.js';
import { ControlPlaneError, componentOf, controlPlaneClient, type CallOptions } from '../control-plane/client.js';

// How the fault kinds (src/faults/terminate.ts, drain.ts, cpu-stress.ts, evacuate-region.ts,
// isolate-region.ts) and the gateway's remote fleet talk to the fleet's and the gateway's control APIs:
// one call shape over the shared control-plane client, errors that name the target, and a revert that
// deletes the held fault.

/** A terminate waits for instances to stop, a revert for them to start again: more than the default. */
const FLEET_DEADLINE_MS = 30_000;

export async function callControl<T>(
  target: Pick<ResolvedTarget, 'controlUrl' | 'token' | 'name'> & { kind?: string },
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  options: Pick<CallOptions, 'body' | 'lease' | 'signal'> = {},
): Promise<T> {
  const component = componentOf(target.kind ?? 'fleet');
  const client = controlPlaneClient(component, target.controlUrl, { token: target.token, timeoutMs: FLEET_DEADLINE_MS, label: `target ${target.name}` });
  return client.call<T>(method, path, options);
}

/**
 * The revert of a fault held by a component: delete it there; already gone (its lease ran out and its
 * revert succeeded) is fine. A failure (the component answers 5xx while it still holds the fault, or
 * cannot be reached) is not cached: a later call tries again.
 */
export function revertHeldFault(target: ResolvedTarget, faultId: string, ctx: FaultContext, kind: string, instance?: string): Revert {
  let done: Promise<void> | null = null;
  return () =>
    (done ??= (async () => {
      try {
        await callControl(target, 'DELETE', `/faults/${encodeURIComponent(faultId)}`);
      } catch (error) {
        if (!(error instanceof ControlPlaneError && error.status === 404)) {
          done = null;
          throw error;
        }
      }
      ctx.note('fault.cleared', `target ${target.name} no longer holds ${kind}${instance ? ` on ${instance}` : ''}`, {
        target: target.name,
        kind,
        heldFaultId: faultId,
        ...(instance ? { instance } : {}),
      });
    })());
}

/**
 * A fleet target's selector: `service`, `service/region`, or one instance `service/region/index`.
 * A region given in the fault's parameters must agree with the selector's.
 */
export function parseFleetSelector(selector: string, region?: string): { service: string; region?: string; instance?: string } {
  const parts = selector.split('/');
  if (parts.length > 3 || parts.some((p) => p === '')) {
    throw new Error(`fleet selector "${selector}" must be service, service/region or service/region/index`);
  }
  if (region !== undefined && parts[1] !== undefined && parts[1] !== region) {
    throw new Error(`fleet selector "${selector}" names region ${parts[1]} but the fault's region is ${region}`);
  }
  return { service: parts[0], region: parts[1] ?? region, instance: parts.length === 3 ? selector : undefined };
}

/** A share of instances as experiments write it: 50 or "50%". */
export const PercentParam = z
  .union([z.number().gt(0).max(100), z.string().regex(/^\s*\d+(\.\d+)?\s*%\s*$/)])
  .describe('Which share of the instances, e.g. 50%, rounded up to at least one');

/** FIS-style selection as experiments write it: `count: 1` or `percent: 50%` (exactly one). */
export const SelectionParams = z
  .object({
    count: z.number().int().min(1).optional().describe('How many instances, e.g. 1'),
    percent: PercentParam.optional(),
    region: z.string().optional().describe('Only instances in this region (or give it in the selector: service/region)'),
  })
  .strict()
  .refine((p) => (p.count === undefined) !== (p.percent === undefined), 'give exactly one of "count" or "percent"');

export type SelectionParamsInput = z.infer<typeof SelectionParams>;

export function toSelection(params: SelectionParamsInput, region: string | undefined, target: ResolvedTarget): Selection {
  return {
    count: params.count,
    percent: params.percent === undefined ? undefined : parsePercentage(params.percent) * 100,
    region,
    maxInstances: target.blastRadius?.maxInstances,
  };
}

export function describeSelection(params: SelectionParamsInput, service: string, region: string | undefined): string {
  const how = params.count !== undefined ? `${params.count}` : `${String(params.percent).replace('%', '')}% (at least 1)`;
  return `${how} of the instances of ${service}${region ? ` in ${region}` : ''}`;
}

/** Asks the fleet which instances a selection would touch, without touching them (preflight, dry run). */
export async function previewSelection(target: ResolvedTarget, service: string, selection: Selection, ctx: FaultContext): Promise<InstanceView[]> {
  const { instances } = await callControl<{ instances: InstanceView[] }>(target, 'POST', `/services/${encodeURIComponent(service)}/select`, {
    body: selection,
    signal: ctx.signal,
  });
  return instances;
}

interface RegionSummary {
  name: string;
  weight: number;
  isolated: boolean;
  evacuating: boolean;
  available: number;
}

/**
 * Refuses, before anything changes, to take a region out of a gateway when no other region could take
 * its traffic (the gateway refuses too; checking here lets a dry run and preflight say so).
 */
export async function checkRegionCanLeave(target: ResolvedTarget, what: string, ctx: FaultContext): Promise<void> {
  const regions = await callControl<RegionSummary[]>(target, 'GET', '/regions', { signal: ctx.signal });
  const region = regions.find((r) => r.name === target.selector);
  if (!region) {
    throw new Error(`target ${target.name}: the gateway has no region "${target.selector}"; known: ${regions.map((r) => r.name).join(', ')}`);
  }
  const others = regions.filter((r) => r !== region && r.weight > 0 && r.available > 0 && !r.evacuating && !r.isolated);
  if (others.length === 0) {
    throw new Error(`target ${target.name}: refusing to ${what} ${region.name}: it is the last region with weight > 0 and healthy instances`);
  }
}
