import type { JsonPath, UnsupportedPart } from './problems.js';

// Python providers and controls are Python code loaded into Chaos Toolkit's own process; GameDay runs
// on Node and cannot load them. Each is named with what to write instead, chosen from the module it
// comes from: most Chaos Toolkit extensions wrap a command-line tool or an HTTP API that a `process` or
// `http` activity can call directly, and some match a GameDay fault.

const HINTS: [prefix: string, instead: string][] = [
  ['chaosk8s', 'a process activity running kubectl (`kubectl get|logs|delete …`); for killing or draining instances, a GameDay experiment with a fleet fault (terminate, drain)'],
  ['chaosaws', 'a process activity running the aws CLI (e.g. `aws ec2 stop-instances --instance-ids …`)'],
  ['chaosazure', 'a process activity running the az CLI'],
  ['chaosgcp', 'a process activity running gcloud'],
  ['chaostoxi', "an http activity against the proxy's Toxiproxy API (`gameday proxy` speaks it), or a GameDay proxy fault step (latency, timeout, reset-peer …)"],
  ['chaosprometheus', "an http probe on Prometheus' /api/v1/query with a jsonpath tolerance"],
  ['chaosspring', "an http action on the application's /actuator/chaosmonkey endpoints"],
  ['chaosistio', 'a process activity running kubectl apply with the VirtualService'],
  ['chaosgrafana', 'a process activity running k6, or `gameday load`'],
  ['chaosk6', 'a process activity running k6, or `gameday load`'],
  ['chaoslocust', 'a process activity running locust, or `gameday load`'],
  ['chaosaddons', 'a GameDay experiment: its guardrails abort a run, and every run writes its own journal and report'],
];

const STANDARD_LIBRARY: Record<string, string> = {
  'os.path.exists': 'a process probe `test -e <path>` with tolerance 0',
  'os.path.isfile': 'a process probe `test -f <path>` with tolerance 0',
  'os.remove': 'a process action `rm <path>`',
  'os.rename': 'a process action `mv <from> <to>`',
  'shutil.move': 'a process action `mv <from> <to>`',
  'time.sleep': 'pauses: {after: <seconds>} on the activity before',
};

export function pythonProvider(path: JsonPath, provider: Record<string, unknown>): UnsupportedPart {
  const module = typeof provider.module === 'string' ? provider.module : '?';
  const func = typeof provider.func === 'string' ? provider.func : '?';
  const qualified = `${module}.${func}`;
  const hint = STANDARD_LIBRARY[qualified] ?? HINTS.find(([prefix]) => module === prefix || module.startsWith(`${prefix}.`))?.[1];
  return {
    path: [...path, 'provider'],
    what: `python provider ${qualified}`,
    instead: hint ?? 'a process activity that runs the same code (a script, or `python3 -c …`), or an http activity',
  };
}

export function control(path: JsonPath, declaration: Record<string, unknown>): UnsupportedPart {
  const provider = (declaration.provider ?? {}) as Record<string, unknown>;
  const module = typeof provider.module === 'string' ? provider.module : declaration.ref !== undefined ? `ref ${String(declaration.ref)}` : '?';
  const name = typeof declaration.name === 'string' ? `"${declaration.name}" ` : '';
  const hint = HINTS.find(([prefix]) => module === prefix || module.startsWith(`${prefix}.`))?.[1];
  return {
    path,
    what: `control ${name}(${module})`,
    instead: hint ?? "nothing: GameDay records the run itself (journal.json, report.html) and a GameDay experiment's guardrails abort it; remove the control",
  };
}
