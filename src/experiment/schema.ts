import { z } from 'zod';
import type { FaultDefinition } from '../faults/fault.js';
import { faultParameters, formName, paramForms, registryRefused } from '../faults/fault-params.js';
import { faultRegistry } from '../faults/registry.js';
import { targetKinds } from './target-registry.js';
import { duration, durationBetween, percentage, rate } from '../units/units-schema.js';

// The experiment file format, written once: zod validates it (with the path of every bad field), and the
// JSON Schema that editors use is generated from the same definitions (`gameday schema`). Fault and target
// fields come from their registries, so a new kind appears here without an edit.

export const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, { error: 'expected a name of letters, digits, _ . -' });

const stage = z.object({ duration, rate }).strict();

export const loadSchema = z
  .object({
    url: z.url({ error: 'expected an http(s) URL' }),
    method: z.string().default('GET'),
    headers: z.record(z.string(), z.string()).optional(),
    body: z.string().optional(),
    model: z.enum(['open', 'closed']).default('open').meta({ description: 'open: arrivals on schedule (default); closed: connections back to back' }),
    rate: rate.optional().meta({ description: 'Open model: constant arrival rate' }),
    stages: z.array(stage).min(1).optional().meta({ description: 'Open model: ramp linearly to each stage rate over its duration' }),
    duration: duration.optional().meta({ description: 'How long the load runs at most (default: until stopped)' }),
    connections: z.number().int().positive().optional(),
    maxInFlight: z.number().int().positive().optional(),
    timeout: duration.prefault('2s').meta({ description: 'Per-request timeout (default 2s)' }),
    start: z
      .enum(['auto', 'manual'])
      .default('auto')
      .meta({ description: 'auto: runs from the steady-state check before to the one after; manual: started and stopped by method steps' }),
  })
  .strict()
  .refine((l) => l.model === 'closed' || l.rate !== undefined || l.stages !== undefined, { error: 'an open-model load needs `rate` or `stages`', path: ['rate'] });

export const statusExpectation = z
  .union([z.number().int().min(100).max(599), z.string().regex(/^\s*\d{3}\s*-\s*\d{3}\s*$/)], { error: 'expected a status like 200 or a range like 200-399' })
  .meta({ description: 'A status code (200) or an inclusive range ("200-399")' });

export const bodyExpectation = z
  .string()
  .refine(
    (pattern) => {
      try {
        new RegExp(pattern);
        return true;
      } catch {
        return false;
      }
    },
    { error: 'expected a regular expression (JavaScript syntax), e.g. "\\"title\\"" or "ok|healthy"' },
  )
  .meta({ description: 'A regular expression the response body must match; a body that does not match fails the check' });

export const httpRequestSchema = z
  .object({
    url: z.url({ error: 'expected an http(s) URL' }),
    method: z.string().default('GET'),
    headers: z.record(z.string(), z.string()).optional(),
    body: z.string().optional(),
    timeout: duration.prefault('2s'),
    expect: z.object({ status: statusExpectation.default('200-399'), body: bodyExpectation.optional() }).strict().prefault({}),
  })
  .strict();

export const probeSchema = httpRequestSchema
  .extend({ every: duration.prefault('500ms').meta({ description: 'How often the probe runs as an SLI source (default 500ms)' }) })
  .strict();

export const percentileName = z.enum(['p50', 'p90', 'p99', 'p999', 'max']);

/**
 * A PromQL instant query as an SLI source (experiments' `queries`, the status page's `prometheus` monitors):
 * its value is the SLI named by `sli`, computed by Prometheus over the range the query says.
 */
export const prometheusQueryFields = {
  prometheus: z.url({ error: 'expected the http(s) URL of a Prometheus server, e.g. http://127.0.0.1:9090' }).meta({ description: "The Prometheus server's base URL" }),
  query: z.string().min(1).meta({ description: 'A PromQL expression that gives one number (a scalar, or one series: aggregate with sum() or avg())' }),
  sli: z.enum(['availability', 'error-rate', 'latency', 'throughput']).meta({ description: 'What the value is: availability and error-rate as a ratio 0–1, latency in `unit`, throughput per second' }),
  percentile: percentileName.optional().meta({ description: 'For a latency query: which percentile it computes (histogram_quantile(0.99, …) is p99)' }),
  unit: z.enum(['s', 'ms']).default('s').meta({ description: 'The unit of a latency query (default s, as Prometheus histograms are)' }),
  timeout: duration.prefault('2s'),
  every: duration.prefault('1s').meta({ description: 'How often the query runs (default 1s)' }),
};

/** A latency query must say which percentile it computes; the schema of every query source checks it. */
export function latencyQueryNamesPercentile(q: { sli: string; percentile?: string }, ctx: z.core.$RefinementCtx): void {
  if (q.sli === 'latency' && q.percentile === undefined) ctx.addIssue({ code: 'custom', path: ['percentile'], message: 'a latency query says which percentile it computes: percentile: p99' });
}

export const prometheusQuerySchema = z
  .object(prometheusQueryFields)
  .strict()
  .superRefine(latencyQueryNamesPercentile);

const phases = z.array(z.enum(['before', 'during', 'after'])).min(1);
const common = {
  name: z.string().optional().meta({ description: 'What a person reads in the report' }),
  source: name.meta({ description: 'The load, probe or query the SLI is measured from' }),
  window: duration.optional().meta({ description: 'The sliding window the SLI is computed over' }),
};
function sliUnion<Extra extends z.ZodRawShape>(extra: Extra) {
  return z.discriminatedUnion('sli', [
    z.object({ sli: z.literal('availability'), ...common, ...extra, min: percentage }).strict(),
    z.object({ sli: z.literal('error-rate'), ...common, ...extra, max: percentage }).strict(),
    z.object({ sli: z.literal('latency'), ...common, ...extra, percentile: percentileName, max: duration }).strict(),
    z.object({ sli: z.literal('throughput'), ...common, ...extra, min: rate.meta({ description: 'Successful requests per second' }) }).strict(),
  ]);
}

export const objectiveSchema = sliUnion({ when: phases.default(['before', 'during', 'after']).meta({ description: 'When the objective is checked (default: before, during and after the method)' }) });

export const guardrailSchema = sliUnion({
  for: duration.prefault('0ms').meta({ description: 'How long the breach must last before the run aborts (default 0ms)' }),
});

const stepDuration = duration.optional().meta({ description: 'Revert after this long; without it the fault lasts until the method ends' });

/** A step that matches none of a kind's forms is told them, and what is wrong with the one it meant. */
function formsError(definition: FaultDefinition<unknown>): z.core.$ZodErrorMap {
  const names = faultParameters(definition).map(formName);
  return (issue) => {
    const errors = (issue as { errors?: z.core.$ZodIssue[][] }).errors ?? [];
    // The form it meant uses every field the step has (no unknown field), then has the fewest problems.
    const [meant] = errors
      .map((issues, form) => ({ form, issues, unknown: issues.some((i) => i.code === 'unrecognized_keys') }))
      .sort((a, b) => Number(a.unknown) - Number(b.unknown) || a.issues.length - b.issues.length);
    const what = (i: z.core.$ZodIssue) => `${i.path.join('.')}: ${i.code === 'invalid_type' && i.message.endsWith('received undefined') ? 'missing' : i.message}`;
    const detail = meant && !meant.unknown ? `; as ${names[meant.form]}: ${meant.issues.map(what).join(', ')}` : '';
    return `expected one of the forms of ${definition.kind}: ${names.join(' or ')}${detail}`;
  };
}

/**
 * A kind's step: every form of its params (./faults/fault-params.ts) with the step's own fields beside them.
 * A kind with its own `duration` (cpu-stress) keeps it, and the step lasts that long.
 */
function kindStep(definition: FaultDefinition<unknown>, fields: z.ZodRawShape): z.ZodType {
  const forms = paramForms(definition.params).map((form) =>
    form.extend({ ...fields, ...('duration' in form.shape ? {} : { duration: stepDuration }) }).strict(),
  );
  const step: z.ZodType = forms.length === 1 ? forms[0] : z.union(forms, { error: formsError(definition) });
  // A check on a union of forms (a refine) still applies, to the form the step matched; an object's own
  // checks came along with extend.
  const checks = definition.params instanceof z.ZodObject ? [] : ((definition.params.def.checks ?? []) as z.core.$ZodCheck<unknown>[]);
  return checks.length > 0 ? step.check(...checks) : step;
}

const BUILT_IN_STEPS = ['wait', 'load', 'fault', 'parallel', 'probe', 'http', 'process'];

/**
 * The `fault:` step (one member per kind, chosen by `kind`) and the steps of kinds written on their own
 * (`lever: { pull: name }`, keyed by their step), from a list of fault definitions — the registry's.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function faultStepSchemas(definitions: readonly FaultDefinition<any>[]) {
  const members = definitions.map((definition) => {
    const step = kindStep(definition, {
      kind: z.literal(definition.kind).meta({ description: definition.summary }),
      target: name.meta({ description: `A target of kind ${definition.targetKind}` }),
    });
    // zod finds a member of a discriminated union by the literals it declares; a union of forms declares
    // none itself (each form carries the kind), so it is told which kind it is.
    if (!(step instanceof z.ZodObject)) Object.assign(step._zod, { propValues: { kind: new Set([definition.kind]) } });
    return step;
  });
  const own: Record<string, z.ZodType> = {};
  for (const definition of definitions) {
    if (!definition.step) continue;
    const { key, description } = definition.step;
    if (BUILT_IN_STEPS.includes(key)) throw registryRefused([`fault kind "${definition.kind}" is refused: its step key "${key}" is a built-in step`]);
    const target = name.optional().meta({ description: `A ${definition.targetKind} target (default: the only one declared)` });
    own[key] = kindStep(definition, { target }).optional().meta({ description });
  }
  return { fault: z.discriminatedUnion('kind', members as unknown as [z.ZodObject, ...z.ZodObject[]]), own };
}

const { fault: faultStep, own: ownSteps } = faultStepSchemas(faultRegistry);

const processAction = z
  .object({ path: z.string().min(1), arguments: z.array(z.string()).default([]), timeout: duration.prefault('30s') })
  .strict();

export interface StepInput {
  [key: string]: unknown;
}

const STEP_KEYS = ['wait', 'load', 'fault', ...Object.keys(ownSteps), 'parallel', 'probe', 'http', 'process'];

export const stepSchema = z
  .object({
    name: z.string().optional(),
    wait: duration.optional().meta({ description: 'Do nothing for this long' }),
    load: z
      .object({ start: name.optional(), stop: name.optional() })
      .strict()
      .refine((l) => (l.start === undefined) !== (l.stop === undefined), { error: 'give exactly one of `start` or `stop`' })
      .optional(),
    fault: faultStep.optional(),
    get parallel() {
      return z.array(stepSchema).min(1).optional().meta({ description: 'Steps that run at the same time; the group ends when all have' });
    },
    probe: name.optional().meta({ description: 'Run a declared probe once and journal its result' }),
    http: httpRequestSchema.optional().meta({ description: 'Send one HTTP request (an action)' }),
    process: processAction.optional().meta({ description: 'Run a program with a timeout (an action)' }),
  })
  // Typed as nothing: the engine reads a kind's own step through writtenFault, never by its name.
  .extend(ownSteps as Record<never, never>)
  .strict()
  .superRefine((step, ctx) => {
    const present = STEP_KEYS.filter((key) => (step as StepInput)[key] !== undefined);
    if (present.length !== 1) {
      ctx.addIssue({ code: 'custom', message: `a step has exactly one of ${STEP_KEYS.join(', ')}; got ${present.join(', ') || 'none'}` });
    }
  });

const targetSchema = z.discriminatedUnion(
  'kind',
  targetKinds.map((kind) => kind.schema) as unknown as [z.ZodObject, ...z.ZodObject[]],
);

export const experimentSchema = z
  .object({
    $schema: z.string().optional(),
    title: z.string().min(1),
    description: z.string().optional(),
    targets: z.record(name, targetSchema).default({}),
    loads: z.record(name, loadSchema).default({}),
    probes: z.record(name, probeSchema).default({}),
    queries: z.record(name, prometheusQuerySchema).default({}).meta({ description: 'Prometheus queries as SLI sources, run while some objective or guardrail measures them' }),
    hypothesis: z
      .object({
        window: duration.prefault('2s').meta({ description: 'How long the steady state is measured before and after the method' }),
        objectives: z.array(objectiveSchema).default([]),
      })
      .strict()
      .prefault({}),
    guardrails: z.array(guardrailSchema).default([]),
    method: z.array(stepSchema).min(1),
    rollbacks: z.array(stepSchema).default([]).meta({ description: 'Steps run after every fault was reverted, also after an abort' }),
    settings: z
      .object({
        warmup: duration.prefault('500ms').meta({ description: 'Loads run this long before the steady state is first measured (connections open, caches warm)' }),
        leaseTtl: durationBetween(100, 600_000, '100ms', '10m').prefault('5s').meta({ description: 'TTL of the leases faults are held under (renewed at a third), 100ms to 10m' }),
        guardrailInterval: duration.prefault('100ms').meta({ description: 'How often guardrails are evaluated' }),
        sampleInterval: duration.prefault('200ms').meta({ description: 'How often loads report SLI samples' }),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine(checkReferences);

export type Experiment = z.output<typeof experimentSchema>;
export type Step = z.output<typeof stepSchema>;
export type Objective = z.output<typeof objectiveSchema>;
export type Guardrail = z.output<typeof guardrailSchema>;
export type LoadDeclaration = z.output<typeof loadSchema>;
export type ProbeDeclaration = z.output<typeof probeSchema>;
export type QueryDeclaration = z.output<typeof prometheusQuerySchema>;
export type HttpRequest = z.output<typeof httpRequestSchema>;
export type FaultStep = { kind: string; target: string; duration?: number } & Record<string, unknown>;
export interface WrittenFault {
  /** `fault`, or the kind's own step (`lever`). */
  key: string;
  kind: string;
  /** The step's fields as written (the very object, so it can be edited in place): target may be left out. */
  fields: { target?: string; duration?: unknown } & Record<string, unknown>;
}

/** The fault a step injects as written: a `fault:` step, or a kind's own step. */
export function writtenFault(step: Step): WrittenFault | undefined {
  if (step.fault) return { key: 'fault', kind: (step.fault as FaultStep).kind, fields: step.fault };
  for (const definition of faultRegistry) {
    const own = definition.step && (step as StepInput)[definition.step.key];
    if (own) return { key: definition.step!.key, kind: definition.kind, fields: own as WrittenFault['fields'] };
  }
  return undefined;
}

/** Names used in steps and objectives must be declared, and a fault's target must be of its kind. */
function checkReferences(experiment: z.output<z.ZodObject>, ctx: z.core.$RefinementCtx): void {
  const e = experiment as unknown as Experiment;
  const sources = new Set([...Object.keys(e.loads), ...Object.keys(e.probes), ...Object.keys(e.queries)]);
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  // An SLO names its source by name alone, so a load, a probe and a query may not share one.
  for (const name of Object.keys(e.probes)) {
    if (e.loads[name]) issue(['probes', name], `"${name}" is already the name of a load; give the probe another name`);
  }
  for (const name of Object.keys(e.queries)) {
    if (e.loads[name] || e.probes[name]) issue(['queries', name], `"${name}" is already the name of a ${e.loads[name] ? 'load' : 'probe'}; give the query another name`);
  }
  const checkObjective = (o: Objective | Guardrail, path: (string | number)[]) => {
    if (!sources.has(o.source)) issue([...path, 'source'], `expected a declared load, probe or query (${[...sources].join(', ') || 'none declared'}), got "${o.source}"`);
    const query = e.queries[o.source];
    if (query && (query.sli !== o.sli || (o.sli === 'latency' && query.percentile !== o.percentile))) {
      const computes = query.sli === 'latency' ? `${query.percentile} latency` : query.sli;
      issue([...path, 'sli'], `query "${o.source}" computes ${computes}; an objective on it measures that, not ${o.sli === 'latency' ? `${o.percentile} latency` : o.sli}`);
    }
  };
  e.hypothesis.objectives.forEach((o, i) => {
    checkObjective(o, ['hypothesis', 'objectives', i]);
    const load = e.loads[o.source];
    if (load?.start === 'manual' && o.when.some((w) => w !== 'during')) {
      issue(['hypothesis', 'objectives', i, 'when'], `load "${o.source}" starts manually, so it only runs during the method; use when: [during]`);
    }
  });
  e.guardrails.forEach((g, i) => checkObjective(g, ['guardrails', i]));
  const walk = (steps: Step[], path: (string | number)[]) =>
    steps.forEach((step, i) => {
      const at = [...path, i];
      if (step.load) {
        const ref = step.load.start ?? step.load.stop!;
        const key = step.load.start ? 'start' : 'stop';
        if (!e.loads[ref]) issue([...at, 'load', key], `expected a declared load (${Object.keys(e.loads).join(', ') || 'none declared'}), got "${ref}"`);
        else if (e.loads[ref].start !== 'manual') issue([...at, 'load', key], `load "${ref}" runs automatically; declare it with start: manual to control it from the method`);
      }
      if (step.probe !== undefined && !e.probes[step.probe]) issue([...at, 'probe'], `expected a declared probe (${Object.keys(e.probes).join(', ') || 'none declared'}), got "${step.probe}"`);
      const written = writtenFault(step);
      const wanted = written && faultRegistry.find((d) => d.kind === written.kind)?.targetKind;
      if (written && wanted) {
        const { key, kind, fields: fault } = written;
        const target = fault.target === undefined ? undefined : (e.targets[fault.target] as { kind: string } | undefined);
        if (fault.target === undefined) {
          const ofKind = Object.entries(e.targets).filter(([, t]) => (t as { kind: string }).kind === wanted).map(([n]) => n);
          if (ofKind.length !== 1) issue([...at, key], `name the ${wanted} target with \`target\`: ${ofKind.length === 0 ? `none is declared (declare one: { kind: ${wanted}, … })` : `there are ${ofKind.length}: ${ofKind.join(', ')}`}`);
        } else if (!target) issue([...at, key, 'target'], `expected a declared target (${Object.keys(e.targets).join(', ') || 'none declared'}), got "${fault.target}"`);
        else if (target.kind !== wanted) issue([...at, key, 'target'], `fault ${kind} acts on a ${wanted} target; "${fault.target}" is a ${target.kind}`);
        if (path[0] === 'rollbacks') issue(at, 'rollbacks undo things; faults and levers belong in the method');
      }
      if (step.parallel) walk(step.parallel, [...at, 'parallel']);
    });
  walk(e.method, ['method']);
  walk(e.rollbacks, ['rollbacks']);
}

/** The JSON Schema editors use (yaml-language-server, VS Code); inputs as the user writes them. */
export function experimentJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(experimentSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...schema, $id: 'https://gameday.dev/schema/experiment.json', title: 'GameDay experiment' };
}
