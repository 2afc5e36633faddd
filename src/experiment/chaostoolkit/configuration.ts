import type { ImportProblem, JsonPath, UnsupportedPart } from './problems.js';
import { pyJsonDumps } from './python-values.js';

// Configuration and secrets, resolved as Chaos Toolkit resolves them before a run.
// Configuration: a value is used as written, or read from the environment with
// {type: env, key, default?, env_var_type?}; an environment variable that is not set and has no default
// makes the experiment invalid. A {type: probe, …} value is a dynamic configuration: its probe runs when
// the run starts (an HTTP probe gives its body, a process its stdout without the trailing newline).
// Secrets: scopes of name → value, where a value may be {type: env, key} (required, no default, as in
// Chaos Toolkit) or {type: vault, …}, which this tool cannot read. Secret values are collected so that
// every record of the run can be scrubbed of them.

export interface ResolvedConfiguration {
  configuration: Record<string, unknown>;
  /** Keys whose value comes from a probe at the start of the run, in declaration order. */
  dynamic: { key: string; probe: Record<string, unknown>; path: JsonPath }[];
  secrets: Record<string, Record<string, unknown>>;
  /** Every secret value as text, for scrubbing. */
  secretValues: string[];
}

/**
 * Whether `arguments` of providers are substituted: as in Chaos Toolkit, only when the experiment has any
 * configuration or secrets (so a `$$` in a shell script stays `$$` otherwise). The run and its plan both ask.
 */
export function substitutesArguments(resolved: ResolvedConfiguration): boolean {
  return Object.keys(resolved.configuration).length + resolved.dynamic.length + Object.keys(resolved.secrets).length > 0;
}

type Json = Record<string, unknown>;

export function resolveConfiguration(
  doc: Json,
  env: NodeJS.ProcessEnv,
  problems: ImportProblem[],
  unsupported: UnsupportedPart[],
): ResolvedConfiguration {
  const configuration: Record<string, unknown> = {};
  const dynamic: ResolvedConfiguration['dynamic'] = [];
  const declared = doc.configuration;
  if (declared !== undefined && declared !== null) {
    if (!isMapping(declared)) problems.push({ path: ['configuration'], message: 'expected a mapping of names to values' });
    else {
      for (const [key, value] of Object.entries(declared)) {
        const path = ['configuration', key];
        if (isMapping(value) && value.type === 'env') {
          const resolved = fromEnvironment(value, env, path, problems, 'Configuration');
          if (resolved.found) configuration[key] = resolved.value;
        } else if (isMapping(value) && value.type === 'probe') {
          dynamic.push({ key, probe: value, path });
        } else {
          configuration[key] = value;
        }
      }
    }
  }
  const secrets: Record<string, Record<string, unknown>> = {};
  const secretValues: string[] = [];
  const declaredSecrets = doc.secrets;
  if (declaredSecrets !== undefined && declaredSecrets !== null) {
    if (!isMapping(declaredSecrets)) problems.push({ path: ['secrets'], message: 'expected a mapping of scopes, each a mapping of names to secrets' });
    else {
      for (const [scope, entries] of Object.entries(declaredSecrets)) {
        const path = ['secrets', scope];
        if (!isMapping(entries) || entries.type === 'env' || entries.type === 'vault') {
          problems.push({ path, message: `a secrets scope must be a mapping of names to secrets (e.g. ${scope}: {token: {type: env, key: MY_TOKEN}})` });
          continue;
        }
        secrets[scope] = resolveSecretMapping(entries, path, env, problems, unsupported, secretValues);
      }
    }
  }
  return { configuration, dynamic, secrets, secretValues };
}

function resolveSecretMapping(
  entries: Json,
  path: JsonPath,
  env: NodeJS.ProcessEnv,
  problems: ImportProblem[],
  unsupported: UnsupportedPart[],
  secretValues: string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(entries)) {
    const at = [...path, name];
    if (isMapping(value) && value.type === 'env') {
      const resolved = fromEnvironment(value, env, at, problems, 'Secrets', true);
      if (resolved.found) {
        out[name] = resolved.value;
        collect(resolved.value, secretValues);
      }
    } else if (isMapping(value) && value.type === 'vault') {
      unsupported.push({
        path: at,
        what: `a HashiCorp Vault secret (${pyJsonDumps(value.path ?? '')})`,
        instead: `export the value in an environment variable and declare it as {type: env, key: …}`,
      });
    } else if (isMapping(value)) {
      out[name] = resolveSecretMapping(value, at, env, problems, unsupported, secretValues);
    } else {
      out[name] = value;
      collect(value, secretValues);
    }
  }
  return out;
}

function collect(value: unknown, into: string[]): void {
  if (typeof value === 'string' && value !== '') into.push(value);
  else if (typeof value === 'number' || typeof value === 'boolean') into.push(String(value));
  else if (value !== null && typeof value === 'object') for (const item of Object.values(value)) collect(item, into);
}

function fromEnvironment(
  spec: Json,
  env: NodeJS.ProcessEnv,
  path: JsonPath,
  problems: ImportProblem[],
  what: 'Configuration' | 'Secrets',
  noDefault = false,
): { found: boolean; value?: unknown } {
  if (typeof spec.key !== 'string' || spec.key === '') {
    problems.push({ path: [...path, 'key'], message: 'an env value needs `key`, the name of the environment variable' });
    return { found: false };
  }
  const hasDefault = !noDefault && 'default' in spec;
  if (!(spec.key in env) && !hasDefault) {
    problems.push({ path: [...path, 'key'], message: `${what} makes reference to an environment key that does not exist: ${spec.key} (set it, or give a default)` });
    return { found: false };
  }
  const raw = spec.key in env ? env[spec.key] : spec.default;
  try {
    return { found: true, value: convertEnvValue(spec.env_var_type, raw) };
  } catch (error) {
    problems.push({ path: [...path, 'env_var_type'], message: (error as Error).message });
    return { found: false };
  }
}

/** Chaos Toolkit's env_var_type: str (default), int, float, bytes, bool or json. */
function convertEnvValue(type: unknown, value: unknown): unknown {
  if (type === undefined || type === null || type === 'str' || type === 'string' || type === 'bytes') return value;
  if (type === 'int' || type === 'integer') {
    const text = String(value).trim();
    if (!/^[+-]?\d+$/.test(text.replace(/_/g, ''))) throw new Error(`cannot read ${pyJsonDumps(value)} as an integer (env_var_type: ${type})`);
    return Number(text.replace(/_/g, ''));
  }
  if (type === 'float' || type === 'number') {
    const number = Number(String(value).trim());
    if (String(value).trim() === '' || Number.isNaN(number)) throw new Error(`cannot read ${pyJsonDumps(value)} as a number (env_var_type: ${type})`);
    return number;
  }
  if (type === 'bool') return typeof value === 'boolean' ? value : !['false', '0', 'no'].includes(String(value).toLowerCase());
  if (type === 'json') {
    if (value === '' || value === null || value === undefined || typeof value !== 'string') return value;
    try {
      return JSON.parse(value);
    } catch {
      throw new Error(`cannot read the value as JSON (env_var_type: json)`);
    }
  }
  throw new Error(`env_var_type can only be: bool, str, int, float, bytes or json (got ${pyJsonDumps(type)})`);
}

export function isMapping(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
