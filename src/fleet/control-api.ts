import { z } from 'zod';
import { createLogger } from '../observe/log.js';
import { SelectionSchema } from './declaration.js';
import {
  ControlError,
  createControlPlane,
  leaseOf,
  logged,
  parseBody,
  type ControlServer,
  type ControlServerOptions,
} from './control-plane.js';
import { Fleet, NotFoundError } from './fleet.js';
import { fleetMetrics } from './metrics.js';
import { SelectionError } from './selection.js';

// The fleet's control API: thin handlers that parse with zod, call the Fleet, and hold each fault in the
// ledger (under the caller's lease when X-GameDay-Lease is sent). See docs/fleet.md for the routes.

const DrainSchema = z.object({
  graceMs: z.number().int().min(0).max(600_000).optional(),
  deregistrationDelayMs: z.number().int().min(0).max(60_000).optional(),
});
const CpuStressSchema = z.object({
  durationMs: z.number().int().min(1).max(3_600_000),
  cores: z.number().int().min(1).max(64).default(1),
});

export async function startFleetControl(fleet: Fleet, options: ControlServerOptions = {}): Promise<ControlServer> {
  const log = options.log ?? createLogger('fleet-control');
  const { app, leases, ledger, listen } = createControlPlane(options, log, (error) =>
    error instanceof NotFoundError ? 404 : error instanceof SelectionError ? 409 : undefined,
  );
  const revertLogged = (what: string, work: () => Promise<unknown>) => logged(log, what, work);

  app.get<{ Querystring: { service?: string; region?: string } }>('/instances', async (request) => fleet.instances(request.query));

  app.post<{ Params: { name: string } }>('/services/:name/select', async (request) => {
    return { instances: fleet.select(request.params.name, parseBody(SelectionSchema, request.body)) };
  });

  app.post<{ Params: { name: string } }>('/services/:name/terminate', async (request) => {
    const selection = parseBody(SelectionSchema, request.body);
    const lease = leaseOf(request, leases);
    const killed = fleet.terminate(request.params.name, selection);
    const description = `terminate ${killed.map((k) => `${k.id} (pid ${k.pid})`).join(', ')}`;
    const fault = ledger.add(
      description,
      revertLogged(description, () => Promise.all(killed.map((k) => fleet.ensureRunning(k.id)))),
      lease,
    );
    return { fault, instances: killed };
  });

  app.post<{ Params: { '*': string } }>('/instances/*', async (request, reply) => {
    // Instance ids contain slashes (pricing/us-east/0), so the action is the last path segment.
    const path = request.params['*'];
    const cut = path.lastIndexOf('/');
    const [id, action] = [path.slice(0, cut), path.slice(cut + 1)];
    if (action === 'restart') return fleet.ensureRunning(id);
    if (action !== 'drain') throw new ControlError(404, `unknown action "${action}"; use POST /instances/{id}/drain or /restart`);
    const body = parseBody(DrainSchema, request.body);
    const lease = leaseOf(request, leases);
    const before = fleet.instance(id);
    if (before.state === 'draining' || before.pid === null) throw new SelectionError(`instance ${id} is ${before.state}; only a running instance can be drained`);
    const drained = fleet.drain(id, body);
    drained.catch((error: unknown) => log.error({ err: error, instance: id }, 'drain failed'));
    const fault = ledger.add(
      `drain ${id}`,
      revertLogged(`drain ${id}`, async () => {
        // Re-admits at once if the drain is still waiting for in-flight requests; otherwise the drain
        // ends in a stop and the instance is started again after it.
        // The first attempt may race the drain's own stop (SIGTERM already sent); the second settles it.
        await fleet.ensureRunning(id).catch(() => undefined);
        await drained.catch(() => undefined);
        return fleet.ensureRunning(id);
      }),
      lease,
    );
    return reply.code(202).send({ fault, instance: fleet.instance(id) });
  });

  const metrics = fleetMetrics(fleet);
  app.get('/metrics', async (_request, reply) => reply.header('content-type', metrics.contentType).send(await metrics.metrics()));

  app.get('/cpu-stress', async () => fleet.cpuStresses());
  app.post<{ Params: { region: string } }>('/regions/:region/cpu-stress', async (request, reply) => {
    const body = parseBody(CpuStressSchema, request.body);
    const lease = leaseOf(request, leases);
    const stress = fleet.stressCpu(request.params.region, body.durationMs, body.cores);
    const fault = ledger.add(`cpu-stress ${stress.cores} core(s) in ${stress.region}`, () => fleet.stopCpuStress(stress.id), lease);
    return reply.code(201).send({ fault, stress });
  });

  return listen();
}

export type { ControlServer, ControlServerOptions };
