// Chaos Toolkit import: `gameday run` accepts a Chaos Toolkit experiment and maps it onto our model, so a
// team can bring its existing experiments. What maps: the steady-state hypothesis's HTTP probes (with their
// status tolerance), HTTP and process actions and probes in the method and rollbacks, and pauses. What does
// not (Python providers, controls, secrets, configuration, refs, background activities) is refused with
// the JSON path of each such part — silently skipping part of an experiment would make its verdict a lie.

export interface ImportProblem {
  path: (string | number)[];
  message: string;
}

type Json = Record<string, unknown>;

const METADATA_KEYS = new Set(['version', 'title', 'description', 'tags', 'contributions', 'steady-state-hypothesis', 'method', 'rollbacks']);
const UNSUPPORTED_TOP_LEVEL: Record<string, string> = {
  controls: 'controls (Python extension hooks) are not supported',
  secrets: 'secrets are not supported; put values in the experiment or in the environment of the process actions',
  configuration: 'configuration variables are not supported; write values in place',
  extensions: 'extensions are not supported',
  runtime: 'runtime settings are not supported',
};

export function isChaosToolkit(doc: Json): boolean {
  if (!('steady-state-hypothesis' in doc) && !Array.isArray(doc.method)) return false;
  if ('steady-state-hypothesis' in doc) return true;
  return (doc.method as unknown[]).some((entry) => {
    const type = (entry as Json | null)?.type;
    return type === 'action' || type === 'probe';
  });
}

export function fromChaosToolkit(doc: Json): { experiment: Json; problems: ImportProblem[] } {
  const problems: ImportProblem[] = [];
  for (const key of Object.keys(doc)) {
    if (UNSUPPORTED_TOP_LEVEL[key]) problems.push({ path: [key], message: `Chaos Toolkit ${UNSUPPORTED_TOP_LEVEL[key]}` });
    else if (!METADATA_KEYS.has(key)) problems.push({ path: [key], message: `Chaos Toolkit field "${key}" is not supported` });
  }
  const probes: Json = {};
  const objectives: Json[] = [];
  const hypothesis = doc['steady-state-hypothesis'] as Json | undefined;
  if (hypothesis) {
    const entries = Array.isArray(hypothesis.probes) ? hypothesis.probes : [];
    entries.forEach((entry, i) => {
      const path = ['steady-state-hypothesis', 'probes', i];
      const probe = entry as Json;
      const request = httpRequest(probe, path, problems);
      if (!request) return;
      const name = safeName(String(probe.name ?? `probe-${i}`));
      const status = tolerance(probe.tolerance, [...path, 'tolerance'], problems);
      probes[name] = { ...request, expect: { status }, every: '250ms' };
      // A Chaos Toolkit steady-state probe must pass every time it is checked: 100% over the window.
      objectives.push({ name: `${probe.name ?? name} within tolerance`, sli: 'availability', source: name, min: '100%', when: ['before', 'after'] });
    });
  }
  const method = activities(doc.method, ['method'], problems);
  const rollbacks = activities(doc.rollbacks, ['rollbacks'], problems);
  return {
    experiment: {
      title: doc.title,
      description: doc.description,
      probes,
      hypothesis: { window: '1s', objectives },
      method: method.length > 0 ? method : [{ wait: '0ms' }],
      rollbacks,
    },
    problems,
  };
}

function activities(list: unknown, path: (string | number)[], problems: ImportProblem[]): Json[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) {
    problems.push({ path, message: 'expected a list of activities' });
    return [];
  }
  const steps: Json[] = [];
  list.forEach((entry, i) => {
    const at = [...path, i];
    const activity = entry as Json;
    if (activity.ref !== undefined) return problems.push({ path: [...at, 'ref'], message: 'activity references (ref) are not supported; write the activity in place' });
    if (activity.background) return problems.push({ path: [...at, 'background'], message: 'background activities are not supported' });
    if (activity.controls) return problems.push({ path: [...at, 'controls'], message: 'controls are not supported' });
    if (activity.type !== 'action' && activity.type !== 'probe') return problems.push({ path: [...at, 'type'], message: 'expected type action or probe' });
    const pauses = (activity.pauses ?? {}) as { before?: number; after?: number };
    if (pauses.before) steps.push({ name: `pause before ${activity.name}`, wait: `${pauses.before}s` });
    const step = activityStep(activity, at, problems);
    if (step) steps.push({ name: String(activity.name ?? `${activity.type} ${i}`), ...step });
    if (pauses.after) steps.push({ name: `pause after ${activity.name}`, wait: `${pauses.after}s` });
  });
  return steps;
}

function activityStep(activity: Json, at: (string | number)[], problems: ImportProblem[]): Json | undefined {
  const provider = (activity.provider ?? {}) as Json;
  if (provider.type === 'http') {
    const request = httpRequest(activity, at, problems);
    if (!request) return undefined;
    if (activity.tolerance !== undefined) request.expect = { status: tolerance(activity.tolerance, [...at, 'tolerance'], problems) };
    return { http: request };
  }
  if (provider.type === 'process') {
    const args = provider.arguments;
    return {
      process: {
        path: provider.path,
        arguments: Array.isArray(args) ? args.map(String) : typeof args === 'string' ? args.split(/\s+/).filter(Boolean) : [],
        ...(typeof provider.timeout === 'number' ? { timeout: `${provider.timeout}s` } : {}),
      },
    };
  }
  problems.push({
    path: [...at, 'provider', 'type'],
    message: `${String(provider.type ?? 'missing')} providers are not supported (only http and process); ${provider.type === 'python' ? 'wrap the Python function in a process action' : 'use http or process'}`,
  });
  return undefined;
}

function httpRequest(activity: Json, at: (string | number)[], problems: ImportProblem[]): Json | undefined {
  const provider = (activity.provider ?? {}) as Json;
  if (provider.type !== 'http') {
    problems.push({ path: [...at, 'provider', 'type'], message: `${String(provider.type ?? 'missing')} providers are not supported in the steady-state hypothesis (only http)` });
    return undefined;
  }
  const request: Json = { url: provider.url, method: String(provider.method ?? 'GET').toUpperCase() };
  if (provider.headers) request.headers = provider.headers;
  if (provider.arguments !== undefined) {
    request.body = typeof provider.arguments === 'string' ? provider.arguments : JSON.stringify(provider.arguments);
  }
  if (provider.timeout !== undefined) {
    // Chaos Toolkit writes the timeout in seconds, or as [connect, read]; the larger one bounds the request.
    const seconds = Array.isArray(provider.timeout) ? Math.max(...provider.timeout.map(Number)) : Number(provider.timeout);
    if (Number.isFinite(seconds)) request.timeout = `${seconds}s`;
    else problems.push({ path: [...at, 'provider', 'timeout'], message: 'expected a timeout in seconds' });
  }
  return request;
}

/** A status tolerance: 200, [200, 201, 202] (contiguous), or {type: range, target: status, range: [200, 299]}. */
function tolerance(value: unknown, path: (string | number)[], problems: ImportProblem[]): number | string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return value;
  if (Array.isArray(value) && value.length > 0 && value.every((v) => Number.isInteger(v))) {
    const sorted = [...(value as number[])].sort((a, b) => a - b);
    if (sorted.every((v, i) => i === 0 || v === sorted[i - 1] + 1)) return `${sorted[0]}-${sorted[sorted.length - 1]}`;
  }
  const range = value as Json;
  if (range && range.type === 'range' && (range.target ?? 'status') === 'status' && Array.isArray(range.range) && range.range.length === 2) {
    return `${range.range[0]}-${range.range[1]}`;
  }
  problems.push({ path, message: 'unsupported tolerance: expected a status code (200), a contiguous list of codes, or {type: range, target: status, range: [200, 299]}' });
  return undefined;
}

function safeName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^-+/, '');
  return cleaned || 'probe';
}
