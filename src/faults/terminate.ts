import type { InstanceView } from '../fleet/declaration.js';
import {
  callControl,
  describeSelection,
  parseFleetSelector,
  previewSelection,
  revertHeldFault,
  SelectionParams,
  toSelection,
  type SelectionParamsInput,
} from '../fleet/control-client.js';
import type { FaultDefinition } from './fault.js';

// terminate: SIGKILL a count or a percentage of a service's instances (FIS-style selection), never
// more than the declared blast radius. The fleet restarts them per policy; the revert (or the lease
// running out) makes sure every killed instance runs again.

/**
 * The fleet's terminate call selects among a service's instances and cannot name one; rather than
 * silently widening `service/region/index` to the whole region, an instance selector is refused.
 */
function selectorOf(selector: string, region: string | undefined): { service: string; region?: string } {
  const parsed = parseFleetSelector(selector, region);
  if (parsed.instance) {
    throw new Error(
      `terminate cannot target one instance ("${parsed.instance}"): the fleet selects among a service's instances. ` +
        `Use a selector service/region with count: 1, or the drain fault, which can name one instance`,
    );
  }
  return parsed;
}

export const terminate: FaultDefinition<SelectionParamsInput> = {
  kind: 'terminate',
  summary: 'SIGKILL a count or percentage of a service\'s instances; revert restarts them',
  targetKind: 'fleet',
  params: SelectionParams,
  describe(target, params) {
    const { service, region } = parseFleetSelector(target.selector, params.region);
    return `SIGKILL ${describeSelection(params, service, region)} (fleet ${target.name}); revert restarts them`;
  },
  async preflight(target, params, ctx) {
    const { service, region } = selectorOf(target.selector, params.region);
    return { instances: (await previewSelection(target, service, toSelection(params, region, target), ctx)).length };
  },
  async inject(target, params, ctx) {
    const { service, region } = selectorOf(target.selector, params.region);
    const lease = await ctx.leaseFor(target);
    const { fault, instances } = await callControl<{ fault: { id: string }; instances: InstanceView[] }>(
      target,
      'POST',
      `/services/${encodeURIComponent(service)}/terminate`,
      { body: toSelection(params, region, target), lease, signal: ctx.signal },
    );
    const killed = instances.map((i) => ({ id: i.id, pid: i.pid }));
    ctx.note('instances.terminated', `SIGKILL ${killed.map((i) => `${i.id} (pid ${i.pid ?? 'none'})`).join(', ')}`, { target: target.name, instances: killed });
    return revertHeldFault(target, fault.id, ctx, 'terminate');
  },
};
