import { z } from 'zod';
import { chaosToolkitStatusSchema, hypothesisStrategySchema, rollbackStrategySchema } from './chaostoolkit.js';
import { exitCodeSchema, objectiveResultSchema, verdictSchema } from './outcome.js';

// Every kind of event a journal holds is named here, and nowhere else, with the shape of its `data`: the
// engine, the faults, the levers and the demo write them (JournalRecorder.note only takes these), the
// report, the progress line and the store read them, and the journal's JSON Schema (gameday schema
// --journal) is generated from the same definitions. docs/journal.md describes each; a test keeps the
// two in step. A new kind of event is one entry here, one section there.

/**
 * The phases of a run, in the order a GameDay experiment runs them (docs/experiments.md, "lifecycle"). A
 * Chaos Toolkit run starts with `configuration` and plays its rollbacks last, as `chaos run` does.
 */
export const RUN_PHASES = ['configuration', 'steady state before', 'method', 'revert', 'rollbacks', 'steady state after'] as const;
export type RunPhase = (typeof RUN_PHASES)[number];

/** Why a run was aborted: the first reason wins, later ones are journaled as `abort.again`. */
export const ABORT_KINDS = ['guardrail', 'lease', 'signal', 'halt', 'error'] as const;
export type AbortKind = (typeof ABORT_KINDS)[number];

const path = z.string().describe("The step's place in the experiment, e.g. method[2] or method[1].parallel[0]");
const target = z.string().describe('The target, by the name the experiment gave it');
const controlUrl = z.string().describe('Base URL of the component that holds the lease');
const region = z.string().describe('A region of the fleet or the gateway, e.g. us-east');
const faultId = z.number().int().min(1).describe('The run\'s number for an injected fault; fault.reverted names the same number');
const count = z.number().int().min(0);
const cancelled = z.literal(true).optional().describe('An abort ended it early');

const httpResult = {
  path,
  ok: z.boolean(),
  status: z.number().int().nullable().describe('The HTTP status; null when no answer came'),
  latencyMs: z.number(),
  error: z.string().optional(),
};
const processResult = {
  path,
  exitCode: z.number().int().nullable().describe('null when the process did not exit by itself (killed, not found)'),
  stdout: z.string().describe('The last 2000 characters'),
  stderr: z.string().describe('The last 2000 characters'),
  error: z.string().optional(),
};
const actionResult = z.union([z.object(httpResult), z.object(processResult)]);

const leverChange = z.object({
  lever: z.string(),
  lease: z.string().describe('The run\'s lease on the lever service: the change is undone when it ends'),
  changed: z.boolean().describe('False when the lever already was in that state: the run does not own it and will not undo it'),
  rollback: z.boolean().describe('True when the run undoes its own earlier change'),
});

const pageCounts = z.object({
  full: count,
  degraded: count,
  failed: count,
  shed: z.record(z.string(), z.record(z.string(), count)).describe('Dependency call outcomes other than ok, e.g. { "recommendations": { "timeout": 12 } }'),
});

const spread = z.object({ mean: z.number(), max: z.number() }).describe('The mean and the largest of one-second samples');

// A Chaos Toolkit run writes the lifecycle's events too (steps, probes, actions, hypothesis checks), each
// with its own shape beside GameDay's: an activity's output is Chaos Toolkit's (an HTTP status and body, or
// a process's exit status and output), and it says where the activity is written. `section` tells them
// apart; `run.start`'s `format` says which a run writes.
const ctkSection = z
  .enum(['steady state before', 'steady state during', 'steady state after', 'method', 'rollbacks'])
  .meta({ id: 'ChaosToolkitSection', description: 'Where the Chaos Toolkit activity ran: a check of the steady-state hypothesis, the method or the rollbacks' });
const ctkWhere = z.string().describe('Where the activity is written: file:line:column and its path, e.g. experiment.json:31:9 method[1]');
const ctkActivity = { path, section: ctkSection, where: ctkWhere };
const ctkActivityStep = z.object({ ...ctkActivity, ref: z.string().optional().describe('The name a {ref: …} entry refers to') });
const ctkPause = z.object({ path, pause: z.enum(['before', 'after']).describe("Which of the activity's pauses") });
const ctkOutput = z
  .union([
    z.object({ status: z.number().int().describe('The HTTP status'), body: z.string().optional().describe('The last 2000 characters; JSON as Python prints it') }),
    z.object({
      status: z.number().int().describe("The process's exit status; negative: killed by that signal"),
      stdout: z.string().describe('The last 2000 characters'),
      stderr: z.string().describe('The last 2000 characters'),
    }),
  ])
  .meta({ id: 'ChaosToolkitOutput', description: "A Chaos Toolkit provider's output, as Chaos Toolkit's journal has it" });
export type ChaosToolkitSection = z.output<typeof ctkSection>;
export type ChaosToolkitOutput = z.output<typeof ctkOutput>;
const ctkSucceeded = z.object({ ...ctkActivity, output: ctkOutput });
const ctkFailed = z.object({
  ...ctkActivity,
  error: z.string().describe('Why: a timeout, a refused connection …'),
  output: ctkOutput.optional().describe('What the process wrote before it was stopped'),
});

function event<Data extends z.ZodType<Record<string, unknown>>>(summary: string, data: Data) {
  return { summary, data };
}

const catalog = {
  // The run
  'run.start': event('The run started: from now on things are touched', z.object({ blastRadius: z.array(z.string()), format: z.enum(['gameday', 'chaostoolkit']) })),
  'phase.start': event('A phase of the run started', z.object({ phase: z.enum(RUN_PHASES) })),
  'phase.end': event('A phase of the run ended', z.object({ phase: z.enum(RUN_PHASES) })),
  'step.start': event(
    'A step of the method or the rollbacks started (of a Chaos Toolkit run: an activity, or one of its pauses)',
    z.union([z.object({ path }), ctkActivityStep, ctkPause.extend({ seconds: z.number().min(0) })]),
  ),
  'step.end': event(
    'A step ended; cancelled when an abort ended it early',
    z.union([z.object({ path, cancelled }), ctkActivityStep.omit({ ref: true }).extend({ cancelled }), ctkPause.extend({ cancelled })]),
  ),
  probe: event('A probe step checked an HTTP endpoint (of a Chaos Toolkit run: a probe ran)', z.union([z.object(httpResult), ctkSucceeded])),
  action: event('An http or process step succeeded (of a Chaos Toolkit run: an action ran)', z.union([actionResult, ctkSucceeded])),
  'action.failed': event('An http or process step failed, or a Chaos Toolkit action could not run (the run goes on)', z.union([actionResult, ctkFailed])),
  'hypothesis.checked': event(
    'One objective of the hypothesis was checked over a window (of a Chaos Toolkit run: one probe against its tolerance)',
    z.union([
      objectiveResultSchema,
      objectiveResultSchema.extend({
        where: ctkWhere,
        crash: z.string().optional().describe('Where `chaos run` would have stopped with a Python error instead of judging the tolerance'),
      }),
    ]),
  ),
  'guardrail.breach': event(
    'A guardrail was breached for long enough: the run aborts',
    z.object({
      guardrail: z.string(),
      expected: z.string(),
      measured: z.string(),
      value: z.number().nullable(),
      breachSinceMs: z.number().nullable().describe('Run time when the breach began'),
    }),
  ),
  abort: event('The run is aborting: the method is cancelled and every fault reverted at once', z.object({ kind: z.enum(ABORT_KINDS) })),
  'abort.again': event('Another reason to abort came while the run was already aborting', z.object({ kind: z.enum(ABORT_KINDS) })),
  verdict: event('The verdict, the last event of the run', z.object({ verdict: verdictSchema, exitCode: exitCodeSchema })),
  error: event(
    'Something failed that the run reports and works around',
    z.object({
      stack: z.string().optional(),
      faultId: faultId.optional(),
      load: z.string().optional(),
      faults: count.optional().describe('How many faults could not be reverted directly'),
    }),
  ),

  // Chaos Toolkit runs
  'probe.failed': event('A Chaos Toolkit probe could not run: a timeout, a refused connection … (the run goes on)', ctkFailed),
  'activity.skipped': event(
    'A part that cannot run here (a Python provider) was skipped, as --skip-unsupported asks',
    z.object({
      path,
      section: z.union([ctkSection, z.literal('configuration')]),
      where: ctkWhere,
      what: z.string().describe('e.g. python provider chaosk8s.pod.actions.terminate_pods'),
      instead: z.string().describe('What to write instead'),
    }),
  ),
  'rollbacks.skipped': event(
    'The rollback strategy left the rollbacks out',
    z.object({ strategy: rollbackStrategySchema, status: chaosToolkitStatusSchema.describe("Chaos Toolkit's status when the rollbacks were due") }),
  ),
  configuration: event(
    "A Chaos Toolkit run's configuration, resolved before the steady state is checked; secrets by name only",
    z.object({
      configuration: z.record(z.string(), z.unknown()).describe('Every configuration value, dynamic ones included, with secret values replaced by [secret]'),
      secretScopes: z.record(z.string(), z.array(z.string())).describe('The names of the secrets in each scope; never their values'),
      rollbackStrategy: rollbackStrategySchema,
      hypothesisStrategy: hypothesisStrategySchema,
    }),
  ),
  warning: event(
    'Something accepted with a remark: a field Chaos Toolkit ignores, a pause that is not a number, a configuration probe without a value',
    z.object({
      path: path.optional().describe('The part concerned, when the remark is about one'),
      section: ctkSection.optional(),
      where: ctkWhere.optional(),
    }),
  ),

  // Load
  'load.started': event('A load started', z.object({ load: z.string() })),
  'load.stopped': event('A load stopped', z.object({ load: z.string(), requests: count, ok: count, cancelled: z.boolean() })),

  // Faults, as the engine sees them
  'fault.injected': event(
    'A fault was injected on one target; the component holds it under the run\'s lease',
    z.object({
      faultId,
      kind: z.string().describe('The fault kind, e.g. latency, terminate, lever'),
      target,
      selector: z.string(),
      controlUrl,
      durationMs: z.number().min(0).optional().describe('How long the step keeps the fault before reverting it; absent when it stays until the run reverts it'),
    }),
  ),
  'fault.reverted': event('An injected fault was reverted', z.object({ faultId })),

  // Faults: facts the fault kinds report about what they did
  'fault.cleared': event(
    'The component that held a fault confirmed it is gone (a drain of three instances clears three)',
    z.object({ target, kind: z.string(), heldFaultId: z.string().describe("The component's id of the fault"), instance: z.string().optional() }),
  ),
  'instances.terminated': event(
    'Instances were killed with SIGKILL',
    z.object({ target, instances: z.array(z.object({ id: z.string(), pid: z.number().int().nullable().describe('The process that was killed') })) }),
  ),
  'instances.draining': event('Instances stopped receiving new requests and will stop once in-flight ones finish', z.object({ target, instances: z.array(z.string()) })),
  'cpu-stress.started': event('CPU burners started in a region', z.object({ target, region, pids: z.array(z.number().int()) })),
  'region.evacuating': event('Traffic is shifting out of a region at the gateway', z.object({ target, region, steps: z.number().int().min(1) })),
  'region.isolated': event('A region is black-holed at the gateway', z.object({ target, region })),

  // Levers
  'lever.pulled': event('A lever was pulled by a step (or pulled back by its rollback)', leverChange),
  'lever.reset': event('A lever was reset by a step (or reset back by its rollback)', leverChange),
  'lever.kept': event(
    'A rollback left a lever alone: someone took it over during the run',
    z.object({ lever: z.string(), state: z.enum(['pulled', 'reset']), by: z.string().nullable() }),
  ),

  // Incidents
  'incident.declared': event(
    'A step opened a drill incident; the run closes it when it ends',
    z.object({ path, incident: z.string().describe('How people name the incident, e.g. INC-7'), title: z.string(), severity: z.enum(['SEV1', 'SEV2', 'SEV3', 'SEV4']) }),
  ),

  // Leases
  'lease.taken': event(
    'The run took a lease on a component',
    z.object({ controlUrl, leaseId: z.string(), ttlMs: z.number().min(0).optional().describe('The lease\'s time to live: the component reverts its faults this long after the last renewal') }),
  ),
  'lease.renew-failed': event('A lease renewal failed; the next one may succeed', z.object({ controlUrl })),
  'lease.lost': event('A lease is gone (expired or halted): the run aborts', z.object({ controlUrl })),
  'lease.released': event('The run released a lease at its end', z.object({ controlUrl })),
  'lease.release-failed': event('A lease could not be released; it expires within its TTL', z.object({ controlUrl })),

  // The demo world (gameday demo)
  world: event(
    'The demo world that served the run: every process it ran and its addresses',
    z.object({
      pids: z.array(z.number().int()),
      urls: z.object({
        shop: z.string(),
        page: z.string(),
        proxy: z.string(),
        levers: z.string(),
        dashboard: z.string().optional().describe("The world's control room: the dashboard where the run showed live"),
        status: z.string().optional().describe("The shop's status page, which the world's control room measured while the run ran"),
        incidents: z.string().optional().describe("The world's control room's incidents, where a drill the run opened was shown"),
        fleet: z.string(),
        gateway: z.string(),
        metrics: z.array(z.string()),
      }),
      naiveAssembler: z.boolean(),
    }),
  ),
  'world.pages': event(
    'What the shop served during one step or steady-state phase: requests, and pages full, degraded or failed',
    z.object({ kind: z.enum(['step', 'phase']), label: z.string(), startMs: z.number(), endMs: z.number(), requests: count, failedRequests: count, pages: pageCounts }),
  ),
  'machine.load': event(
    'How busy the machine was during a gameday demo run, so a verdict on a busy machine says so',
    z.object({
      cores: z.number().int().min(1),
      seconds: z.number().min(0),
      loadAverage: spread,
      runQueue: spread,
      otherCores: spread,
      ownCores: spread,
      stealPercent: z.number().min(0),
      starvedShare: z.number().min(0).max(1),
      needCores: z.number().min(0),
      busy: z.boolean(),
    }),
  ),
};

type Catalog = typeof catalog;
export type JournalEventType = keyof Catalog;
export type JournalEventData<T extends JournalEventType> = z.output<Catalog[T]['data']>;

interface EventOf<T extends JournalEventType> {
  /** Milliseconds since the run started, from a monotonic clock. */
  atMs: number;
  /** ISO wall-clock time: the run's start plus atMs. */
  at: string;
  type: T;
  /** One line for people. */
  message: string;
  data: JournalEventData<T>;
}

/** One event of this format version: switch on `type` and `data` has its shape. */
export type JournalEvent = { [T in JournalEventType]: EventOf<T> }[JournalEventType];

export const JOURNAL_EVENT_TYPES = Object.keys(catalog) as JournalEventType[];

/** What a fault kind may report through its FaultContext: facts about what it did, nothing of the run's own. */
export type FaultFactType = 'fault.cleared' | 'instances.terminated' | 'instances.draining' | 'cpu-stress.started' | 'region.evacuating' | 'region.isolated' | 'lever.pulled' | 'lever.reset' | 'lever.kept';

/** An event as any journal holds it, one of this version or of another (a reader shows what it does not know). */
export interface EventRecord {
  atMs: number;
  at: string;
  type: string;
  message: string;
  data?: Record<string, unknown>;
}

/** Whether an event is of one of these types; names are checked against the catalog when the caller compiles. */
export function isOfType(event: Pick<EventRecord, 'type'>, ...types: JournalEventType[]): boolean {
  return (types as string[]).includes(event.type);
}

export const isoTime = z.iso.datetime({ offset: true }).meta({ id: 'Timestamp', description: 'ISO 8601 wall-clock time' });

export const journalEventSchema = z.discriminatedUnion(
  'type',
  JOURNAL_EVENT_TYPES.map((type) =>
    z
      .object({ atMs: z.number(), at: isoTime, type: z.literal(type), message: z.string(), data: catalog[type].data })
      // Named in the JSON Schema's $defs, so that a reader of the schema finds each event by its name.
      .meta({ id: `${type}`, description: catalog[type].summary }),
  ) as unknown as [z.ZodObject, ...z.ZodObject[]],
);
