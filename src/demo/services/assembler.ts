// Process entry of the shop's page-assembly service. Configured by environment (the fleet starts it):
//   GAMEDAY_DEPS               JSON {backend name: base URL} for every backend (in the world: fault-proxy listen addresses)
//   PORT, GAMEDAY_REGION, GAMEDAY_INSTANCE   as for backends; GAMEDAY_SERVICE defaults to "assembler"
//   GAMEDAY_LEVERS_URL/_TOKEN  the lever service read through OpenFeature (unset: levers always read as reset)
//   GAMEDAY_ASSEMBLER_TIMEOUTS=off  or the flag --no-timeouts: the naive variant, no timeouts and no breakers
//   GAMEDAY_TIMEOUT_CRITICAL (250ms), GAMEDAY_TIMEOUT_NON_CRITICAL (80ms),
//   GAMEDAY_BREAKER_FAILURES (5 consecutive), GAMEDAY_BREAKER_OPEN (2s)
// Prints one JSON line on stdout when listening, like the backends.
import { OpenFeature } from '@openfeature/server-sdk';
import { LeverProvider } from '../../levers/openfeature-provider.js';
import { createLogger } from '../../observe/log.js';
import { readAssemblerConfig } from './assembler-config.js';
import { createAssemblerServer } from './assembler-server.js';
import { DependencyConfigError } from './dependency.js';
import { createServiceRegistry } from './http-metrics.js';
import { PageAssembler } from './page-assembly.js';
import { runService, serve, type Lifecycle } from './process-lifecycle.js';
import { ServiceEnvError } from './service-env.js';

/** A local lever service answers in milliseconds; waiting longer only delays a region's start. */
const LEVERS_INIT_TIMEOUT_MS = 1_000;
/** How long the start may wait for dependencies to answer their warm-up call. */
const WARM_UP_LIMIT_MS = 1_000;

runService(async () => {
  const config = readAssemblerConfig(process.env, process.argv.slice(2));
  const log = createLogger(`demo.${config.identity.service}`);
  const registry = createServiceRegistry(config.identity);
  let assembler: PageAssembler;
  try {
    assembler = new PageAssembler({
      region: config.identity.region,
      instance: config.identity.instance,
      dependencies: config.dependencies,
      resilience: config.resilience,
      levers: OpenFeature.getClient('gameday-demo'),
      registry,
    });
  } catch (error) {
    if (error instanceof DependencyConfigError) throw new ServiceEnvError(`GAMEDAY_DEPS: ${error.message}`);
    throw error;
  }
  if (config.levers) {
    // Until the first snapshot arrives every lever reads as reset, the safe default; the provider keeps
    // reconnecting, so a lever service that starts after us is picked up without a restart.
    await OpenFeature.setProviderAndWait(new LeverProvider({ ...config.levers, initTimeoutMs: LEVERS_INIT_TIMEOUT_MS })).catch((error: unknown) =>
      log.warn({ err: error }, 'lever service not reachable yet; levers read as reset until it is'),
    );
  } else {
    log.warn('GAMEDAY_LEVERS_URL is not set: levers always read as reset');
  }
  const unready = await assembler.warmUp(WARM_UP_LIMIT_MS);
  if (unready.length > 0) log.warn({ unready }, 'some dependencies did not answer the warm-up; serving anyway');
  if (!config.resilience.enabled) log.warn('running WITHOUT timeouts and circuit breakers (the naive variant)');
  const lifecycle: Lifecycle = { draining: false };
  await serve(createAssemblerServer(assembler, registry, lifecycle), config.identity, lifecycle);
});
