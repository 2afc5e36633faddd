import { z } from 'zod';
import { FileProblemsError, parseStructured, readUserFile, schemaProblems, type Problem } from '../config/structured-file.js';
import { bodyExpectation, latencyQueryNamesPercentile, name, percentileName, prometheusQueryFields, statusExpectation } from '../experiment/schema.js';
import { duration, percentage, rate } from '../units/units-schema.js';

// status.yaml (JSON accepted): the components people see on the status page, the monitors that measure
// them, and the thresholds that turn each SLI into a status. Validated by zod with file:line:column errors
// like experiments; `gameday schema --status` prints the JSON Schema editors use. docs/status.md.

const every = (fallback: string) => duration.prefault(fallback).meta({ description: `How often the monitor measures (default ${fallback})` });

/** A check must end before the next starts, so that two intervals without a sample mean the monitor stopped. */
function timeoutWithinInterval(m: { every: number; timeout: number }, ctx: z.core.$RefinementCtx): void {
  if (m.timeout > m.every) ctx.addIssue({ code: 'custom', path: ['timeout'], message: `the timeout (${m.timeout}ms) must not be longer than \`every\` (${m.every}ms): silence for two intervals must mean the monitor stopped` });
}

const httpMonitor = z
  .object({
    url: z.url({ error: 'expected an http(s) URL' }),
    method: z.string().default('GET'),
    headers: z.record(z.string(), z.string()).optional(),
    body: z.string().optional(),
    timeout: duration.prefault('1s').meta({ description: 'A check slower than this fails (default 1s; at most `every`)' }),
    every: every('1s'),
    expect: z.object({ status: statusExpectation.default('200-399'), body: bodyExpectation.optional() }).strict().prefault({}),
  })
  .strict()
  .superRefine(timeoutWithinInterval);

const prometheusMonitor = z
  .object({ ...prometheusQueryFields, timeout: duration.prefault('1s'), every: every('1s') })
  .strict()
  .superRefine(latencyQueryNamesPercentile)
  .superRefine(timeoutWithinInterval);

const runMonitor = z
  .object({
    load: name.meta({ description: 'The name of a load in the experiment (any run whose load has this name)' }),
    experiment: z.string().min(1).optional().meta({ description: "Only runs of this experiment: its title, or its file's name" }),
  })
  .strict();

const monitorSchema = z
  .object({
    description: z.string().optional(),
    http: httpMonitor.optional().meta({ description: 'An HTTP check every `every`' }),
    prometheus: prometheusMonitor.optional().meta({ description: 'A PromQL instant query every `every`' }),
    run: runMonitor.optional().meta({ description: "The SLIs a GameDay run publishes while it runs (its load's samples)" }),
  })
  .strict()
  .superRefine((monitor, ctx) => {
    const kinds = (['http', 'prometheus', 'run'] as const).filter((kind) => monitor[kind] !== undefined);
    if (kinds.length !== 1) ctx.addIssue({ code: 'custom', message: `a monitor is exactly one of http, prometheus or run; got ${kinds.join(', ') || 'none'}` });
  });

const sliCommon = {
  name: z.string().optional().meta({ description: 'What a person reads (default: the SLI and its window)' }),
  monitor: name.meta({ description: 'The monitor the SLI is measured from' }),
  window: duration.prefault('1m').meta({ description: 'The sliding window the SLI is computed over (default 1m; a Prometheus query has its own range)' }),
};
function thresholds<T extends z.ZodType>(unit: T, better: 'higher' | 'lower') {
  const word = better === 'higher' ? 'at least' : 'at most';
  return {
    operational: unit.meta({ description: `Operational when the SLI is ${word} this` }),
    degraded_performance: unit.optional().meta({ description: `Degraded performance when ${word} this (and not operational)` }),
    partial_outage: unit.optional().meta({ description: `Partial outage when ${word} this; anything worse is a major outage` }),
  };
}

export const componentSliSchema = z.discriminatedUnion('sli', [
  z.object({ sli: z.literal('availability'), ...sliCommon, ...thresholds(percentage, 'higher') }).strict(),
  z.object({ sli: z.literal('error-rate'), ...sliCommon, ...thresholds(percentage, 'lower') }).strict(),
  z.object({ sli: z.literal('latency'), ...sliCommon, percentile: percentileName.optional().meta({ description: 'Which percentile (required but for a Prometheus query, which says it)' }), ...thresholds(duration, 'lower') }).strict(),
  z.object({ sli: z.literal('throughput'), ...sliCommon, ...thresholds(rate.meta({ description: 'Successful requests per second' }), 'higher') }).strict(),
]);

const componentSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { error: 'expected an id of lowercase letters, digits and -' }).optional().meta({ description: 'Its id in the API and URLs (default: from the name)' }),
    name: z.string().min(1),
    description: z.string().optional(),
    group: z.string().min(1).optional().meta({ description: 'A heading the page groups components under' }),
    slis: z.array(componentSliSchema).min(1).meta({ description: 'The SLIs the status is derived from: the worst of them' }),
    incident: z
      .object({
        at: z.enum(['degraded_performance', 'partial_outage', 'major_outage']).meta({ description: 'The status from which an incident is declared' }),
        severity: z.enum(['SEV1', 'SEV2', 'SEV3', 'SEV4']),
      })
      .strict()
      .optional()
      .meta({ description: 'Declare an incident when the component reaches this status (acted on by the incidents module)' }),
  })
  .strict();

const webhookSchema = z
  .object({
    url: z.url({ error: 'expected an http(s) URL' }),
    secret: z.string().min(16, { error: 'a secret of at least 16 characters' }).optional().meta({ description: 'The HMAC-SHA256 key (prefer secret_env: a file is read by many)' }),
    secret_env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).optional().meta({ description: 'The environment variable that holds the HMAC-SHA256 key' }),
  })
  .strict()
  .refine((w) => (w.secret === undefined) !== (w.secret_env === undefined), { error: 'give exactly one of secret or secret_env' });

export const statusFileSchema = z
  .object({
    $schema: z.string().optional(),
    page: z
      .object({
        name: z.string().min(1).default('Status'),
        description: z.string().optional(),
        url: z.url().optional().meta({ description: 'Where people read the page (links in feeds and webhooks; default: the control room)' }),
      })
      .strict()
      .prefault({}),
    monitors: z.record(name, monitorSchema),
    components: z.array(componentSchema).min(1),
    webhooks: z.array(webhookSchema).default([]).meta({ description: 'Told of every change of status, signed with HMAC-SHA256 (docs/status.md)' }),
  })
  .strict()
  .superRefine(checkStatusFile);

export type StatusFile = z.output<typeof statusFileSchema>;
export type ComponentSli = z.output<typeof componentSliSchema>;
export type MonitorDeclaration = z.output<typeof monitorSchema>;

/** A component with its id settled. */
export type ComponentConfig = Omit<StatusFile['components'][number], 'id'> & { id: string };

/** What the status module runs on: the file as validated, ids settled. Webhook secrets stay out of it. */
export interface StatusConfig {
  page: StatusFile['page'];
  monitors: Record<string, MonitorDeclaration>;
  components: ComponentConfig[];
}

export interface Webhook {
  url: string;
  secret: string;
}

export function idOf(component: { id?: string; name: string }): string {
  return component.id ?? (component.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'component');
}

const HIGHER_IS_BETTER = new Set(['availability', 'throughput']);

function checkStatusFile(file: z.output<z.ZodObject>, ctx: z.core.$RefinementCtx): void {
  const f = file as unknown as StatusFile;
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  const ids = new Map<string, number>();
  f.components.forEach((component, i) => {
    const id = idOf(component);
    if (ids.has(id)) issue(['components', i, component.id ? 'id' : 'name'], `the id "${id}" is already components[${ids.get(id)}]'s; give one an id of its own`);
    ids.set(id, i);
    component.slis.forEach((sli, j) => {
      const at = ['components', i, 'slis', j];
      const monitor = f.monitors[sli.monitor];
      if (!monitor) return issue([...at, 'monitor'], `expected a declared monitor (${Object.keys(f.monitors).join(', ') || 'none declared'}), got "${sli.monitor}"`);
      if (monitor.prometheus) {
        const query = monitor.prometheus;
        const computes = query.sli === 'latency' ? `${query.percentile} latency` : query.sli;
        const wants = sli.sli === 'latency' ? `${sli.percentile ?? query.percentile} latency` : sli.sli;
        if (computes !== wants) issue([...at, 'sli'], `monitor "${sli.monitor}" is a query that computes ${computes}; an SLI on it measures that, not ${wants}`);
      } else if (sli.sli === 'latency' && sli.percentile === undefined) {
        issue([...at, 'percentile'], 'say which percentile: p50, p90, p99, p999 or max');
      }
      const levels = [sli.operational, sli.degraded_performance, sli.partial_outage].filter((v): v is number => v !== undefined);
      const higher = HIGHER_IS_BETTER.has(sli.sli);
      if (levels.some((value, k) => k > 0 && (higher ? value > levels[k - 1] : value < levels[k - 1]))) {
        issue(at, `thresholds must get ${higher ? 'lower' : 'higher'} from operational to partial_outage (${higher ? 'higher' : 'lower'} ${sli.sli} is better)`);
      }
    });
  });
}

/** status.yaml is invalid: exit 3, nothing started. */
export class StatusFileError extends FileProblemsError {}

export interface LoadedStatusFile {
  config: StatusConfig;
  webhooks: Webhook[];
  file: string;
}

export function loadStatusFile(file: string, env: NodeJS.ProcessEnv = process.env): LoadedStatusFile {
  return parseStatusFile(readUserFile(file, StatusFileError), file, env);
}

export function parseStatusFile(text: string, file: string, env: NodeJS.ProcessEnv = process.env): LoadedStatusFile {
  const doc = parseStructured(text, file, StatusFileError);
  const result = statusFileSchema.safeParse(doc.value, { reportInput: true });
  if (!result.success) throw new StatusFileError(schemaProblems(result.error.issues, file, doc.locate, 'see `gameday schema --status`'));
  const parsed = result.data;
  const problems: Problem[] = [];
  const webhooks = parsed.webhooks.map((webhook, i) => {
    const secret = webhook.secret ?? env[webhook.secret_env!];
    if (!secret) problems.push({ file, ...doc.locate(['webhooks', i, 'secret_env']), path: `webhooks[${i}].secret_env`, message: `the environment variable ${webhook.secret_env} is not set` });
    return { url: webhook.url, secret: secret ?? '' };
  });
  if (problems.length > 0) throw new StatusFileError(problems);
  return {
    file,
    webhooks,
    config: { page: parsed.page, monitors: parsed.monitors, components: parsed.components.map((component) => ({ ...component, id: idOf(component) })) },
  };
}

/** The JSON Schema of status.yaml, for editors (`gameday schema --status`). */
export function statusJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(statusFileSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...schema, $id: 'https://gameday.dev/schema/status.json', title: 'GameDay status page' };
}

/** The monitor's interval: how often it measures (a run's is its own sample interval, known from its samples). */
export function intervalOf(monitor: MonitorDeclaration): number | undefined {
  return monitor.http?.every ?? monitor.prometheus?.every;
}

export function kindOf(monitor: MonitorDeclaration): 'http' | 'prometheus' | 'run' {
  return monitor.http ? 'http' : monitor.prometheus ? 'prometheus' : 'run';
}
