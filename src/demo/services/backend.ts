// Process entry of a shop backend service. Configured by environment only (the fleet starts it):
//   GAMEDAY_SERVICE   which service of catalog-of-services.ts to be (required), e.g. "pricing"
//   PORT              port on 127.0.0.1; 0 (default) lets the OS pick
//   GAMEDAY_REGION    region name, e.g. "us-east" (default "local")
//   GAMEDAY_INSTANCE  instance name shown in payloads and metrics (default "<region>.<service>.<pid>")
//   GAMEDAY_SERVICE_TIME_SCALE  multiplies the modelled service times (default 1)
// Prints one JSON line on stdout when listening: {"listening":port,"host":…,"service":…,"region":…,"instance":…,"pid":…}
import { backendServiceNames, findBackendService } from './catalog-of-services.js';
import { createBackendServer } from './backend-server.js';
import { runService, serve, type Lifecycle } from './process-lifecycle.js';
import { ServiceEnvError, readIdentity, readServiceTimeScale } from './service-env.js';

runService(async () => {
  const identity = readIdentity(process.env);
  const definition = findBackendService(identity.service);
  if (!definition) {
    throw new ServiceEnvError(`GAMEDAY_SERVICE="${identity.service}" is not a shop backend; expected one of ${backendServiceNames().join(', ')}`);
  }
  const serviceTimeScale = readServiceTimeScale(process.env);
  const lifecycle: Lifecycle = { draining: false };
  await serve(createBackendServer({ definition, identity, lifecycle, serviceTimeScale }), identity, lifecycle);
});
