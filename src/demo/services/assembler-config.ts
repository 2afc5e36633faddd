// The page assembler's configuration, read from its environment (and one flag) before anything binds.
import { DEFAULT_RESILIENCE, type Resilience } from './page-assembly.js';
import { ServiceEnvError, readDuration, readIdentity, readPositiveInteger, required, type Env, type ServiceIdentity } from './service-env.js';

export interface AssemblerConfig {
  identity: ServiceIdentity;
  dependencies: Record<string, string>;
  resilience: Resilience;
  levers?: { url: string; token?: string };
}

export function readAssemblerConfig(env: Env, argv: readonly string[] = []): AssemblerConfig {
  const identity = readIdentity(env, 'assembler');
  const depsText = required(env, 'GAMEDAY_DEPS', 'a JSON object of backend name to base URL, e.g. {"catalog":"http://127.0.0.1:4001",…}');
  let parsed: unknown;
  try {
    parsed = JSON.parse(depsText);
  } catch (error) {
    throw new ServiceEnvError(`GAMEDAY_DEPS is not valid JSON (${(error as Error).message}); expected {"catalog":"http://127.0.0.1:4001",…}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !Object.values(parsed).every((v) => typeof v === 'string')) {
    throw new ServiceEnvError('GAMEDAY_DEPS must be a JSON object whose values are base URLs (strings)');
  }
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
    dependencies: parsed as Record<string, string>,
    resilience,
    levers: leversUrl ? { url: leversUrl, token: env.GAMEDAY_LEVERS_TOKEN?.trim() || undefined } : undefined,
  };
}
