import { compileJsonPath, JsonPathError } from './jsonpath.js';
import { compilePythonRegex, PythonRegexError } from './python-regex.js';
import { resolveExecutable } from './process-provider.js';
import type { ImportProblem, ImportWarning, JsonPath, UnsupportedPart } from './problems.js';
import { control, pythonProvider } from './unsupported.js';
import { isMapping } from './configuration.js';

// One Chaos Toolkit activity (a probe or an action), checked the way `chaos validate` checks it — type,
// name, provider, timeout, pauses, background — plus the checks that spare the user a Python traceback in
// the middle of a run: a process path that does not exist, a tolerance that could only crash.

export type ProviderType = 'http' | 'process' | 'python';

export interface ChaosToolkitActivity {
  /** Where the entry is written; for `{ref: …}`, where the ref is. */
  path: JsonPath;
  name: string;
  type: 'probe' | 'action';
  provider: Record<string, unknown>;
  providerType: ProviderType;
  pauses: Record<string, unknown>;
  background: boolean;
  /** The tolerance as written, for steady-state probes. */
  tolerance?: unknown;
  /** Set when it cannot run here: its provider, or its tolerance's probe, is Python. */
  unsupported?: UnsupportedPart;
  /** The name it refers to, when the entry is `{ref: …}`. */
  ref?: string;
}

export interface ReadContext {
  problems: ImportProblem[];
  unsupported: UnsupportedPart[];
  warnings: ImportWarning[];
}

/** A ref placeholder, resolved once every named activity is known. */
export interface PendingRef {
  path: JsonPath;
  ref: string;
  tolerance?: unknown;
}

const PROVIDER_TYPES = ['python', 'process', 'http'];

export function readActivity(raw: unknown, path: JsonPath, ctx: ReadContext, where: 'hypothesis' | 'method' | 'rollbacks' | 'tolerance' | 'configuration'): ChaosToolkitActivity | PendingRef | undefined {
  const problem = (at: JsonPath, message: string) => void ctx.problems.push({ path: at, message });
  if (!isMapping(raw) || Object.keys(raw).length === 0) {
    problem(path, 'expected an activity: a mapping with type, name and provider, or {ref: <name>}');
    return undefined;
  }
  if (where === 'hypothesis' && !('tolerance' in raw)) problem(path, 'a steady-state probe must have a tolerance');
  if (raw.ref !== undefined && raw.ref !== null) {
    if (typeof raw.ref !== 'string' || raw.ref === '') problem([...path, 'ref'], 'a reference to an activity must be a non-empty name');
    else return { path, ref: raw.ref, tolerance: raw.tolerance };
    return undefined;
  }
  const type = raw.type;
  if (!type) return void problem(path, 'an activity must have a type (probe or action)');
  if (type !== 'probe' && type !== 'action') return void problem([...path, 'type'], `'${String(type)}' is not a supported activity type (probe or action)`);
  if (where !== 'configuration' && (typeof raw.name !== 'string' || raw.name === '')) problem([...path, 'name'], 'an activity must have a name');
  const provider = raw.provider;
  if (!isMapping(provider) || Object.keys(provider).length === 0) return void problem([...path, 'provider'], 'an activity requires a provider');
  const providerType = provider.type;
  if (!providerType) return void problem([...path, 'provider'], 'a provider must have a type (http, process or python)');
  if (!PROVIDER_TYPES.includes(providerType as string)) return void problem([...path, 'provider', 'type'], `unknown provider type '${String(providerType)}' (http, process or python)`);
  if (raw.timeout !== undefined && typeof raw.timeout !== 'number') problem([...path, 'timeout'], 'activity timeout must be a number');
  else if (raw.timeout !== undefined) ctx.warnings.push({ path: [...path, 'timeout'], message: 'an activity-level timeout has no effect in Chaos Toolkit (nor here); put `timeout` in the provider' });
  const pauses = raw.pauses ?? {};
  if (!isMapping(pauses)) problem([...path, 'pauses'], 'pauses must be a mapping with before and/or after');
  else {
    for (const when of ['before', 'after'] as const) {
      const value = pauses[when];
      if (value !== undefined && value !== null && typeof value !== 'number' && !(typeof value === 'string' && value.startsWith('${') && value.endsWith('}'))) {
        problem([...path, 'pauses', when], `activity ${when} pause must be a number of seconds or a pattern to a variable from the configuration or secrets`);
      }
    }
  }
  if ('background' in raw && typeof raw.background !== 'boolean') problem([...path, 'background'], 'activity background must be a boolean');
  if (Array.isArray(raw.controls)) raw.controls.forEach((c, i) => ctx.unsupported.push(control([...path, 'controls', i], isMapping(c) ? c : {})));
  const activity: ChaosToolkitActivity = {
    path,
    name: typeof raw.name === 'string' ? raw.name : '',
    type,
    provider,
    providerType: providerType as ProviderType,
    pauses: isMapping(pauses) ? pauses : {},
    background: raw.background === true,
    tolerance: raw.tolerance,
  };
  if (providerType === 'python') {
    activity.unsupported = pythonProvider(path, provider);
    ctx.unsupported.push(activity.unsupported);
    if (typeof provider.module !== 'string' || typeof provider.func !== 'string') problem([...path, 'provider'], 'a python provider needs module and func');
  } else if (providerType === 'process') checkProcess(activity, ctx);
  else checkHttp(activity, ctx);
  if (where === 'hypothesis' && 'tolerance' in raw) checkTolerance(raw.tolerance, [...path, 'tolerance'], activity, ctx);
  else if ((where === 'method' || where === 'rollbacks') && 'tolerance' in raw) {
    ctx.warnings.push({ path: [...path, 'tolerance'], message: `the tolerance of a ${where === 'method' ? 'method' : 'rollback'} activity is not checked (Chaos Toolkit checks tolerances only in the steady-state hypothesis)` });
  }
  return activity;
}

function checkProcess(activity: ChaosToolkitActivity, ctx: ReadContext): void {
  const { provider, path } = activity;
  if (typeof provider.path !== 'string' || provider.path === '') {
    ctx.problems.push({ path: [...path, 'provider', 'path'], message: 'a process activity must have a path' });
    return;
  }
  if (!resolveExecutable(provider.path)) {
    ctx.problems.push({ path: [...path, 'provider', 'path'], message: `path '${provider.path}' cannot be found (not an executable on PATH or relative to the working directory), in activity '${activity.name}'` });
  }
  const args = provider.arguments;
  if (args !== undefined && args !== null && typeof args !== 'string' && !Array.isArray(args) && !isMapping(args)) {
    ctx.problems.push({ path: [...path, 'provider', 'arguments'], message: 'process arguments must be a string, a list or a mapping' });
  }
  if (provider.timeout !== undefined && provider.timeout !== null && typeof provider.timeout !== 'number') {
    ctx.problems.push({ path: [...path, 'provider', 'timeout'], message: 'a process timeout must be a number of seconds' });
  }
}

function checkHttp(activity: ChaosToolkitActivity, ctx: ReadContext): void {
  const { provider, path } = activity;
  if (typeof provider.url !== 'string' || provider.url === '') ctx.problems.push({ path: [...path, 'provider', 'url'], message: 'a HTTP activity must have a URL' });
  if (provider.headers !== undefined && provider.headers !== null && !isMapping(provider.headers)) {
    ctx.problems.push({ path: [...path, 'provider', 'headers'], message: 'HTTP activities expect headers as a mapping' });
  }
  if ('expected_status' in provider) {
    ctx.warnings.push({ path: [...path, 'provider', 'expected_status'], message: 'expected_status has no effect since Chaos Toolkit 0.10 (nor here); a tolerance judges the status' });
  }
}

/** Where a tolerance's `target` is text or a number for an HTTP or a process result. */
const TEXT_TARGETS: Record<string, string[]> = { http: ['body'], process: ['stdout', 'stderr'] };
const NUMBER_TARGETS: Record<string, string[]> = { http: ['status', 'body'], process: ['status', 'stdout', 'stderr'] };

function checkTolerance(tolerance: unknown, path: JsonPath, probe: ChaosToolkitActivity, ctx: ReadContext): void {
  const problem = (at: JsonPath, message: string) => void ctx.problems.push({ path: at, message });
  const integer = typeof tolerance === 'number' && Number.isInteger(tolerance);
  if (!(integer || typeof tolerance === 'boolean' || typeof tolerance === 'string' || Array.isArray(tolerance) || isMapping(tolerance))) {
    return problem(path, 'a tolerance must be an integer, a string, a boolean, a list, or a mapping with type probe, regex, jsonpath or range');
  }
  if (!isMapping(tolerance)) return;
  const target = tolerance.target;
  const judged = probe.providerType === 'python' ? undefined : probe.providerType;
  const crashes = (allowed: string[], kind: string) =>
    judged !== undefined && (typeof target !== 'string' || !allowed.includes(target))
      ? problem([...path, 'target'], `a ${kind} tolerance on a ${judged} probe needs target ${allowed.join(' or ')} (Chaos Toolkit would stop with a Python TypeError: ${typeof target === 'string' ? `\`${target}\`` : 'the whole result'} is not ${kind === 'regex' ? 'text' : 'a number'})`)
      : undefined;
  switch (tolerance.type) {
    case 'probe': {
      const inner = readActivity(tolerance, path, ctx, 'tolerance');
      if (!inner) return;
      if (!('provider' in inner)) return problem(path, 'a probe tolerance must be written in place, not as a ref');
      if (inner.unsupported) probe.unsupported ??= inner.unsupported;
      else if (!isMapping(inner.provider.arguments)) {
        problem([...path, 'provider', 'arguments'], 'a probe tolerance needs provider arguments as a mapping: Chaos Toolkit adds the probed value to them as `value`');
      }
      return;
    }
    case 'regex': {
      if (!('pattern' in tolerance)) return problem(path, 'a regex tolerance must have a `pattern`');
      if (typeof tolerance.pattern !== 'string') return problem([...path, 'pattern'], `the pattern ${JSON.stringify(tolerance.pattern)} has an invalid type; expected text`);
      try {
        compilePythonRegex(tolerance.pattern);
      } catch (error) {
        problem([...path, 'pattern'], `the pattern ${tolerance.pattern} seems invalid: ${(error as PythonRegexError).message}`);
      }
      return crashes(TEXT_TARGETS[judged ?? 'http'], 'regex');
    }
    case 'jsonpath': {
      if (typeof tolerance.path !== 'string' || tolerance.path.trim() === '') return problem([...path, 'path'], 'a jsonpath tolerance must have a non-empty `path`');
      try {
        compileJsonPath(tolerance.path.trim());
      } catch (error) {
        problem([...path, 'path'], `the JSON path ${tolerance.path} is invalid: ${(error as JsonPathError).message}`);
      }
      return;
    }
    case 'range': {
      const range = tolerance.range;
      if (!Array.isArray(range) || range.length !== 2) return problem([...path, 'range'], 'a range tolerance needs `range`: a sequence of two values');
      if (typeof range[0] !== 'number') problem([...path, 'range', 0], 'the range lower boundary must be a number');
      if (typeof range[1] !== 'number') problem([...path, 'range', 1], 'the range upper boundary must be a number');
      return crashes(NUMBER_TARGETS[judged ?? 'http'], 'range');
    }
    default:
      return problem([...path, 'type'], `tolerance type '${String(tolerance.type)}' is unsupported (probe, regex, jsonpath or range)`);
  }
}
