// Process entry of several shop backends in one process: the demo world runs each region's backends this
// way, because a Node.js process costs about 40 MB before it does anything and eight of them per region
// were most of the world's memory. Each backend keeps what made it a backend of its own — its own port,
// /product/:id, /healthz and /metrics (labelled with its name) — so each still sits behind its own
// fault-proxy link, and a fault on one link reaches that backend only. What they now share is the
// process: terminating or stressing it reaches all of them (docs/demo.md).
// Configured by environment only (the fleet starts it):
//   GAMEDAY_BACKENDS  JSON {backend name: port} (0 lets the OS pick), or {region: {backend name: port}}
//                     keyed by region (each instance picks its GAMEDAY_REGION)
//   PORT              the process's own port: /healthz (200 once every backend listens, 503 while
//                     draining) and /metrics (the process's RSS, CPU, event-loop lag)
//   GAMEDAY_REGION, GAMEDAY_INSTANCE, GAMEDAY_SERVICE_TIME_SCALE  as for backend.ts
// Prints one JSON line on stdout when every port listens: {"listening":port,…,"backends":{"catalog":port,…}}
import { createBackendServer, createServiceApp } from './backend-server.js';
import { backendServiceNames, findBackendService } from './catalog-of-services.js';
import { runService, serve, type Lifecycle } from './process-lifecycle.js';
import { ServiceEnvError, readIdentity, readRegionKeyed, readServiceTimeScale } from './service-env.js';

const EXPECTED = 'a JSON object of backend name to port, e.g. {"catalog":41001,"pricing":41002}, or of region to such an object';
const isPort = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 65_535;

runService(async () => {
  const identity = readIdentity(process.env, 'backends');
  const ports = readRegionKeyed(process.env, 'GAMEDAY_BACKENDS', identity.region, isPort, EXPECTED);
  const names = Object.keys(ports);
  if (names.length === 0) throw new ServiceEnvError(`GAMEDAY_BACKENDS names no backend; expected ${EXPECTED}`);
  const serviceTimeScale = readServiceTimeScale(process.env);
  const lifecycle: Lifecycle = { draining: false };
  const hosted = names.map((name) => {
    const definition = findBackendService(name);
    if (!definition) throw new ServiceEnvError(`GAMEDAY_BACKENDS: "${name}" is not a shop backend; expected some of ${backendServiceNames().join(', ')}`);
    const app = createBackendServer({ definition, identity: { ...identity, service: name }, lifecycle, serviceTimeScale, processMetrics: false });
    return { name, app, port: ports[name] };
  });
  await serve(createServiceApp(identity, lifecycle), identity, lifecycle, hosted);
});
