import { z } from 'zod';
import { createControlPlane, leaseOf, logged, parseBody, type ControlServer, type ControlServerOptions } from '../fleet/control-plane.js';
import { createLogger } from '../observe/log.js';
import { Gateway, RegionError, UnknownRegionError } from './gateway.js';

// The gateway's control API: regions, weights, evacuate and isolate (faults held under leases), and the
// per-region Prometheus metrics. Handlers parse, call the Gateway, and format. See docs/fleet.md.

const WeightSchema = z.object({ weight: z.number().int().min(0).max(1_000_000) });
const EvacuateSchema = z.object({
  steps: z.number().int().min(1).max(100).default(1),
  stepIntervalMs: z.number().int().min(0).max(600_000).default(1000),
});

export async function startGatewayControl(gateway: Gateway, options: ControlServerOptions = {}): Promise<ControlServer> {
  const log = options.log ?? createLogger('gateway-control');
  const { app, leases, ledger, listen } = createControlPlane(options, log, (error) =>
    error instanceof UnknownRegionError ? 404 : error instanceof RegionError ? 409 : undefined,
  );

  app.get('/regions', async () => gateway.regions());

  app.put<{ Params: { region: string } }>('/regions/:region/weight', async (request) => {
    return gateway.setWeight(request.params.region, parseBody(WeightSchema, request.body).weight);
  });

  app.post<{ Params: { region: string } }>('/regions/:region/evacuate', async (request, reply) => {
    const body = parseBody(EvacuateSchema, request.body);
    const lease = leaseOf(request, leases);
    const name = request.params.region;
    const { revert } = gateway.evacuate(name, body);
    const description = `evacuate-region ${name} in ${body.steps} step(s)`;
    const fault = ledger.add(description, logged(log, description, revert), lease);
    return reply.code(202).send({ fault, region: gateway.region(name).view(Date.now()) });
  });

  app.post<{ Params: { region: string } }>('/regions/:region/isolate', async (request, reply) => {
    const lease = leaseOf(request, leases);
    const name = request.params.region;
    const revert = gateway.isolate(name);
    const description = `isolate-region ${name}`;
    const fault = ledger.add(description, logged(log, description, revert), lease);
    return reply.code(201).send({ fault, region: gateway.region(name).view(Date.now()) });
  });

  app.get('/metrics', async (_request, reply) => {
    return reply.header('content-type', gateway.metrics.registry.contentType).send(await gateway.metrics.registry.metrics());
  });

  return listen();
}
