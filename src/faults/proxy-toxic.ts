import { z } from 'zod';
import type { FaultDefinition, ResolvedTarget } from './fault.js';
import type { ToxicSpec } from '../proxy/types.js';
import { percentage } from '../units/units-schema.js';
import { proxyControlFor } from './proxy-control.js';

// Every proxy fault is one toxic on one proxy, held under the run's lease on that proxy. This builds the
// FaultDefinition for one toxic type from its params schema and a mapping to Toxiproxy's attributes, so a
// kind file says only what is particular to it.

export const streamParams = {
  stream: z
    .enum(['upstream', 'downstream'])
    .default('downstream')
    .meta({ description: 'downstream: responses (server → client); upstream: requests (client → server)' }),
  toxicity: percentage.optional().meta({ description: 'Share of connections affected (default 100%)' }),
};

export const httpMatchParams = {
  percentage: percentage.optional().meta({ description: 'Share of matching requests affected (default 100%)' }),
  match: z
    .object({
      method: z.string().optional().meta({ description: 'HTTP method, e.g. GET' }),
      path: z.string().optional().meta({ description: 'Path prefix, e.g. /api/recommendations' }),
      header: z.string().optional().meta({ description: 'name: value that a request must carry' }),
    })
    .strict()
    .optional()
    .meta({ description: 'Only requests that match all of these are affected' }),
};

interface ToxicKind<Shape extends z.ZodRawShape> {
  kind: string;
  toxicType: string;
  summary: string;
  params: z.ZodObject<Shape>;
  /** Toxiproxy's attributes for this toxic (units as the proxy wants them: ms, KB/s, bytes). */
  attributes(params: z.output<z.ZodObject<Shape>>): Record<string, unknown>;
  /** "latency 200ms ± 50ms on downstream" — what a person reads in the blast radius. */
  describe(params: z.output<z.ZodObject<Shape>>): string;
}

type CommonToxicParams = { stream?: 'upstream' | 'downstream'; toxicity?: number };

export function toxicFault<Shape extends z.ZodRawShape>(
  definition: ToxicKind<Shape>,
): FaultDefinition<z.output<z.ZodObject<Shape>>> {
  return {
    kind: definition.kind,
    summary: definition.summary,
    targetKind: 'proxy',
    params: definition.params as unknown as z.ZodType<z.output<z.ZodObject<Shape>>>,
    describe: (target, params) => `${definition.describe(params)} on proxy ${target.selector} (${target.controlUrl})`,
    async preflight(target) {
      await proxyControlFor(target).getProxy(target.selector);
    },
    async inject(target: ResolvedTarget, params, ctx) {
      const common = params as CommonToxicParams;
      const lease = await ctx.leaseFor(target);
      const control = proxyControlFor(target);
      const spec: ToxicSpec = {
        name: `gameday-${ctx.runId.slice(0, 8)}-${definition.kind}-${Math.random().toString(36).slice(2, 8)}`,
        type: definition.toxicType,
        stream: common.stream ?? 'downstream',
        toxicity: common.toxicity ?? 1,
        attributes: definition.attributes(params),
      };
      const toxic = await control.addToxic(target.selector, spec, { lease });
      let reverted: Promise<void> | undefined;
      // Idempotent: a guardrail abort and the normal revert may both call it; the second waits for the first.
      return () =>
        (reverted ??= control.removeToxic(target.selector, toxic.name).catch((error: unknown) => {
          // Already gone (lease released or expired, or `gameday halt`): that is the state we want.
          if ((error as { status?: number }).status === 404) return;
          reverted = undefined; // a later call may try again
          throw error;
        }));
    },
  };
}
