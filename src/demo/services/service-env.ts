// Reading a demo service's configuration from its environment. The fleet starts services as plain
// processes, so the environment is their whole interface; a wrong value must name the variable, what it
// held and what was expected, and the process must exit 3 before it binds anything.
import { parseDuration } from '../../units/units.js';

export class ServiceEnvError extends Error {}

export type Env = Record<string, string | undefined>;

/** Where every demo service says who it is: in its payloads, its metrics and its stdout line. */
export interface ServiceIdentity {
  service: string;
  region: string;
  instance: string;
  /** 0 lets the OS pick; the chosen port is printed on stdout as `{"listening": port, …}`. */
  port: number;
}

export function required(env: Env, name: string, expected: string): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') throw new ServiceEnvError(`${name} is not set; expected ${expected}`);
  return value.trim();
}

export function readPort(env: Env): number {
  const text = env.PORT ?? '0';
  const port = Number(text);
  if (!/^\d+$/.test(text.trim()) || port > 65_535) {
    throw new ServiceEnvError(`PORT="${text}" is not a port; expected an integer from 0 to 65535 (0 lets the OS pick)`);
  }
  return port;
}

const NAME = /^[a-z0-9][a-z0-9.-]{0,62}$/;

export function readIdentity(env: Env, defaultService?: string): ServiceIdentity {
  const service = env.GAMEDAY_SERVICE?.trim() || defaultService;
  if (!service) throw new ServiceEnvError('GAMEDAY_SERVICE is not set; expected the name of the service, e.g. "pricing"');
  const region = env.GAMEDAY_REGION?.trim() || 'local';
  const port = readPort(env);
  const instance = env.GAMEDAY_INSTANCE?.trim() || `${region}.${service}.${process.pid}`;
  for (const [name, value] of [['GAMEDAY_SERVICE', service], ['GAMEDAY_REGION', region]] as const) {
    if (!NAME.test(value)) {
      throw new ServiceEnvError(`${name}="${value}" is not a valid name; expected lowercase letters, digits, "." and "-" (e.g. "us-east")`);
    }
  }
  return { service, region, instance, port };
}

export function readDuration(env: Env, name: string, fallbackMs: number): number {
  const text = env[name];
  if (text === undefined || text.trim() === '') return fallbackMs;
  try {
    return parseDuration(text);
  } catch {
    throw new ServiceEnvError(`${name}="${text}" is not a duration; expected e.g. 250ms, 2s`);
  }
}

export function readPositiveInteger(env: Env, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text.trim() === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new ServiceEnvError(`${name}="${text}" is not a positive integer`);
  return value;
}

/** GAMEDAY_SERVICE_TIME_SCALE: multiplies the modelled service times; 0 answers at once (tests). */
export function readServiceTimeScale(env: Env): number {
  const text = env.GAMEDAY_SERVICE_TIME_SCALE ?? '1';
  const scale = Number(text);
  if (!Number.isFinite(scale) || scale < 0 || text.trim() === '') {
    throw new ServiceEnvError(`GAMEDAY_SERVICE_TIME_SCALE="${text}" is not a number >= 0`);
  }
  return scale;
}

/**
 * A JSON object of name → value, or of region → such an object. The second form exists because the fleet
 * gives every instance of a service the same environment: one declaration serves every region, and each
 * instance picks its own region's part by GAMEDAY_REGION.
 */
export function readRegionKeyed<T>(env: Env, name: string, region: string, isValue: (value: unknown) => value is T, expected: string): Record<string, T> {
  const text = required(env, name, expected);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ServiceEnvError(`${name} is not valid JSON (${(error as Error).message}); expected ${expected}`);
  }
  const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
  const isFlat = (value: Record<string, unknown>) => Object.values(value).every(isValue);
  if (!isObject(parsed)) throw new ServiceEnvError(`${name} must be ${expected}`);
  if (isFlat(parsed)) return parsed as Record<string, T>;
  if (!Object.values(parsed).every((v) => isObject(v) && isFlat(v))) throw new ServiceEnvError(`${name} mixes forms or has values of the wrong kind; expected ${expected}`);
  const mine = parsed[region];
  if (!mine) throw new ServiceEnvError(`${name} has nothing for region "${region}" (GAMEDAY_REGION); regions given: ${Object.keys(parsed).join(', ')}`);
  return mine as Record<string, T>;
}
