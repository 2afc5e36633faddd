import { z } from 'zod';
import { callControl, parseFleetSelector, revertHeldFault } from '../fleet/control-client.js';
import { parseDuration } from '../units/units.js';
import type { FaultDefinition } from './fault.js';

// cpu-stress: burn CPU cores for a duration in the target's region (service/region selector, or the
// `region` parameter). The burner ends by itself after the duration; the revert kills it earlier.

const CpuStressParams = z
  .object({
    duration: z.string().describe('How long to burn, e.g. 30s'),
    cores: z.number().int().min(1).max(64).default(1).describe('How many cores to burn'),
    region: z.string().optional().describe('The region (or give it in the selector: service/region)'),
  })
  .strict();

type CpuStressParamsInput = z.infer<typeof CpuStressParams>;

function regionOf(selector: string, params: CpuStressParamsInput): string {
  const { region, instance } = parseFleetSelector(selector, params.region);
  // The burners run per region, beside the instances; a selector naming one instance would suggest otherwise.
  if (instance) throw new Error(`cpu-stress burns cores in a region and cannot target one instance ("${instance}"); use a selector service/region`);
  if (!region) throw new Error(`cpu-stress needs a region: a selector like service/region or the "region" parameter`);
  return region;
}

export const cpuStress: FaultDefinition<CpuStressParamsInput> = {
  kind: 'cpu-stress',
  summary: 'Burn CPU cores for a duration in a region; revert stops the burners',
  targetKind: 'fleet',
  params: CpuStressParams,
  describe(target, params) {
    // Describing never refuses: preflight does, with the reason, as exit 3.
    const { region } = parseFleetSelector(target.selector, params.region);
    return `burn ${params.cores} CPU core(s) for ${params.duration} in region ${region ?? '(none given)'} (fleet ${target.name})`;
  },
  async preflight(target, params, ctx) {
    parseDuration(params.duration);
    const region = regionOf(target.selector, params);
    const instances = await callControl<Array<{ region: string }>>(target, 'GET', '/instances', { signal: ctx.signal });
    if (!instances.some((i) => i.region === region)) throw new Error(`target ${target.name}: the fleet has no region "${region}"`);
  },
  async inject(target, params, ctx) {
    const region = regionOf(target.selector, params);
    const lease = await ctx.leaseFor(target);
    const { fault, stress } = await callControl<{ fault: { id: string }; stress: { pids: number[] } }>(
      target,
      'POST',
      `/regions/${encodeURIComponent(region)}/cpu-stress`,
      { body: { durationMs: parseDuration(params.duration), cores: params.cores }, lease, signal: ctx.signal },
    );
    ctx.note('cpu-stress.started', `${stress.pids.length} CPU burner(s) in ${region} (pids ${stress.pids.join(', ')})`, { target: target.name, region, pids: stress.pids });
    return revertHeldFault(target, fault.id, ctx, 'cpu-stress');
  },
};
