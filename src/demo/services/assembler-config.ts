// The page assembler's configuration, read from its environment (and one flag) before anything binds.
import { DEFAULT_RESILIENCE, type Resilience } from './page-assembly.js';
import { ServiceEnvError, readDuration, readIdentity, readPositiveInteger, readRegionKeyed, type Env, type ServiceIdentity } from './service-env.js';

export interface AssemblerConfig {
  identity: ServiceIdentity;
  dependencies: Record<string, string>;
  resilience: Resilience;
  levers?: { url: string; token?: string };
}

const DEPS_EXPECTED =
  'a JSON object of backend name to base URL, e.g. {"catalog":"http://127.0.0.1:4001",…}, or of region to such an object';

export function readAssemblerConfig(env: Env, argv: readonly string[] = []): AssemblerConfig {
  const identity = readIdentity(env, 'assembler');
  const dependencies = readRegionKeyed(env, 'GAMEDAY_DEPS', identity.region, (value): value is string => typeof value === 'string', DEPS_EXPECTED);
  const timeoutsText = (env.GAMEDAY_ASSEMBLER_TIMEOUTS ?? 'on').trim();
  if (timeoutsText !== 'on' && timeoutsText !== 'off') {
    throw new ServiceEnvError(`GAMEDAY_ASSEMBLER_TIMEOUTS="${timeoutsText}"; expected "on" or "off"`);
  }
  const unknownFlags = argv.filter((arg) => arg !== '--no-timeouts');
  if (unknownFlags.length > 0) throw new ServiceEnvError(`unknown argument ${unknownFlags[0]}; the only flag is --no-timeouts`);
  const resilience: Resilience = {
    enabled: timeoutsText === 'on' && !argv.includes('--no-timeouts'),
    criticalTimeoutMs: readDuration(env, 'GAMEDAY_TIMEOUT_CRITICAL', DEFAULT_RESILIENCE.criticalTimeoutMs),
    nonCriticalTimeoutMs: readDuration(env, 'GAMEDAY_TIMEOUT_NON_CRITICAL', DEFAULT_RESILIENCE.nonCriticalTimeoutMs),
    breakerConsecutiveFailures: readPositiveInteger(env, 'GAMEDAY_BREAKER_FAILURES', DEFAULT_RESILIENCE.breakerConsecutiveFailures),
    breakerOpenMs: readDuration(env, 'GAMEDAY_BREAKER_OPEN', DEFAULT_RESILIENCE.breakerOpenMs),
  };
  const leversUrl = env.GAMEDAY_LEVERS_URL?.trim();
  return {
    identity,
    dependencies,
    resilience,
    levers: leversUrl ? { url: leversUrl, token: env.GAMEDAY_LEVERS_TOKEN?.trim() || undefined } : undefined,
  };
}
