// The page assembler's configuration, read from its environment (and one flag) before anything binds.
import { DEFAULT_RESILIENCE, type Resilience } from './page-assembly.js';
import { ServiceEnvError, readDuration, readIdentity, readPositiveInteger, required, type Env, type ServiceIdentity } from './service-env.js';

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
  const depsText = required(env, 'GAMEDAY_DEPS', DEPS_EXPECTED);
  let parsed: unknown;
  try {
    parsed = JSON.parse(depsText);
  } catch (error) {
    throw new ServiceEnvError(`GAMEDAY_DEPS is not valid JSON (${(error as Error).message}); expected ${DEPS_EXPECTED}`);
  }
  const dependencies = dependenciesForRegion(parsed, identity.region);
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

/**
 * GAMEDAY_DEPS is either {backend: url} or {region: {backend: url}}. The second form exists because the
 * fleet gives every instance of a service the same environment: one declaration for the assemblers of
 * all regions, and each instance picks its own region's links by GAMEDAY_REGION.
 */
function dependenciesForRegion(parsed: unknown, region: string): Record<string, string> {
  const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
  const isFlat = (value: Record<string, unknown>) => Object.values(value).every((v) => typeof v === 'string');
  if (!isObject(parsed)) throw new ServiceEnvError(`GAMEDAY_DEPS must be ${DEPS_EXPECTED}`);
  if (isFlat(parsed)) return parsed as Record<string, string>;
  if (!Object.values(parsed).every((v) => isObject(v) && isFlat(v))) {
    throw new ServiceEnvError(`GAMEDAY_DEPS mixes forms or has non-string URLs; expected ${DEPS_EXPECTED}`);
  }
  const mine = parsed[region];
  if (!mine) {
    throw new ServiceEnvError(`GAMEDAY_DEPS has no links for region "${region}" (GAMEDAY_REGION); regions given: ${Object.keys(parsed).join(', ')}`);
  }
  return mine as Record<string, string>;
}
