import { z } from 'zod';
import type { ResolvedTarget } from '../faults/fault.js';
import { callControl } from '../fleet/control-client.js';
import { TargetError, type TargetKind } from './target-kinds.js';

// The fleet (instances of services) and the region gateway as experiment targets. Resolving asks each
// control API what it runs, so an unreachable component or an unknown service/region stops the run with
// exit 3 before anything is touched. A fleet target must declare its blast radius (maxInstances): there
// is no "all instances" by accident.

const fleetTargetSchema = z
  .object({
    kind: z.literal('fleet'),
    control: z.url().meta({ description: "The fleet's control API" }),
    token: z.string().optional(),
    selector: z.string().regex(/^[^/\s]+(\/[^/\s]+){0,2}$/, { error: 'expected service, service/region or service/region/index' }).meta({ description: 'service, service/region or service/region/index' }),
    maxInstances: z.number().int().positive().meta({ description: 'The declared blast radius: the most instances a fault on this target may touch' }),
  })
  .strict();

export const fleetTargetKind: TargetKind = {
  kind: 'fleet',
  summary: 'Instances of a service run by the fleet (terminate, drain, cpu-stress)',
  schema: fleetTargetSchema as unknown as TargetKind['schema'],
  async resolve(name, declaration) {
    const decl = declaration as z.output<typeof fleetTargetSchema>;
    const [service, region] = decl.selector.split('/');
    const target: ResolvedTarget = { name, kind: 'fleet', controlUrl: decl.control, token: decl.token, selector: decl.selector, blastRadius: { maxInstances: decl.maxInstances } };
    let instances: unknown[];
    try {
      instances = await callControl<unknown[]>(target, 'GET', `/instances?service=${encodeURIComponent(service)}${region ? `&region=${encodeURIComponent(region)}` : ''}`);
    } catch (error) {
      throw new TargetError(`target ${name}: ${(error as Error).message}`);
    }
    if (!Array.isArray(instances) || instances.length === 0) throw new TargetError(`target ${name}: the fleet at ${decl.control} runs no instance of ${decl.selector}`);
    return [target];
  },
};

const gatewayTargetSchema = z
  .object({
    kind: z.literal('gateway'),
    control: z.url().meta({ description: "The region gateway's control API" }),
    token: z.string().optional(),
    region: z.string().min(1).meta({ description: 'The region the fault acts on' }),
  })
  .strict();

export const gatewayTargetKind: TargetKind = {
  kind: 'gateway',
  summary: 'A region behind the region gateway (evacuate-region, isolate-region)',
  schema: gatewayTargetSchema as unknown as TargetKind['schema'],
  async resolve(name, declaration) {
    const decl = declaration as z.output<typeof gatewayTargetSchema>;
    const target: ResolvedTarget = { name, kind: 'gateway', controlUrl: decl.control, token: decl.token, selector: decl.region };
    let regions: { name: string }[];
    try {
      regions = await callControl<{ name: string }[]>(target, 'GET', '/regions');
    } catch (error) {
      throw new TargetError(`target ${name}: ${(error as Error).message}`);
    }
    const names = (Array.isArray(regions) ? regions : []).map((r) => r.name);
    if (!names.includes(decl.region)) throw new TargetError(`target ${name}: the gateway at ${decl.control} has no region "${decl.region}"; it has: ${names.join(', ') || '(none)'}`);
    return [target];
  },
};
