import type { JournalRecorder } from '../journal.js';
import { sleep } from '../sources.js';
import { formatDuration } from '../../units/units.js';
import type { ChaosToolkitActivity } from './activities.js';
import type { ActivityResult } from './activity-result.js';
import { prepareHttpCall, runHttpCall } from './http-provider.js';
import { prepareProcessCall, runProcessCall } from './process-provider.js';
import { pyJsonDumps } from './python-values.js';
import type { SecretScrubber } from './scrub.js';
import { substitute, type Lookup } from './substitute.js';

// One activity as Chaos Toolkit executes it: the pause before, the provider call, the pause after (also
// after a failure), each step journaled. An activity that fails (a timeout, a refused connection) is
// recorded and the run goes on: deciding what a failure means is the steady-state hypothesis's job.

export interface ActivityContext {
  journal: JournalRecorder;
  lookup: Lookup;
  /** Chaos Toolkit substitutes `arguments` only when the experiment has configuration or secrets. */
  substituteArguments: boolean;
  scrubber: SecretScrubber;
  signal: AbortSignal;
  where(activity: ChaosToolkitActivity): string;
}

/** What a journal keeps of an output: enough to read it, never megabytes. */
const OUTPUT_TAIL = 2000;

export async function executeActivity(activity: ChaosToolkitActivity, ctx: ActivityContext, section: string): Promise<ActivityResult | 'skipped'> {
  const label = `${activity.type} ${activity.name}`;
  const where = ctx.where(activity);
  if (activity.unsupported) {
    note(ctx, 'activity.skipped', `${label}: skipped, ${activity.unsupported.what} cannot run here (--skip-unsupported)`, { section, where, what: activity.unsupported.what, instead: activity.unsupported.instead });
    return 'skipped';
  }
  const pauses = substitute(activity.pauses, ctx.lookup) as Record<string, unknown>;
  const startMs = ctx.journal.now();
  note(ctx, 'step.start', `${label}${activity.background ? ' (in the background)' : ''}`, { section, where, ...(activity.ref ? { ref: activity.ref } : {}) });
  let result: ActivityResult;
  try {
    await pause(pauses.before, 'before', label, ctx);
    result = await callProvider(activity, ctx);
  } catch (error) {
    result = { status: 'failed', error: (error as Error).message };
  }
  const data = { section, where, status: result.status, ...summarise(result) };
  if (result.status === 'succeeded') note(ctx, activity.type, `${label}: ${outcomeLine(activity, result.output)}`, data);
  else note(ctx, `${activity.type}.failed`, `${label} failed: ${result.error}`, data);
  try {
    if (!ctx.signal.aborted) await pause(pauses.after, 'after', label, ctx);
  } catch (error) {
    note(ctx, 'warning', `${label}: ${(error as Error).message}`, { section, where });
  }
  note(ctx, 'step.end', label, { section, where, ...(ctx.signal.aborted ? { cancelled: true } : {}) });
  ctx.journal.band('step', ctx.scrubber.text(label), startMs);
  return result;
}

/** The provider call alone: what a probe tolerance and a dynamic configuration value run too. */
export async function callProvider(activity: Pick<ChaosToolkitActivity, 'provider' | 'providerType'>, ctx: Pick<ActivityContext, 'lookup' | 'substituteArguments' | 'signal'>): Promise<ActivityResult> {
  if (activity.providerType === 'http') return runHttpCall(prepareHttpCall(activity.provider, ctx.lookup, ctx.substituteArguments), ctx.signal);
  if (activity.providerType === 'process') return runProcessCall(prepareProcessCall(activity.provider, ctx.lookup, ctx.substituteArguments), ctx.signal);
  return { status: 'failed', error: 'python providers cannot run here' };
}

async function pause(raw: unknown, when: 'before' | 'after', label: string, ctx: ActivityContext): Promise<void> {
  if (raw === undefined || raw === null || raw === 0 || raw === '' || raw === false) return;
  if (typeof raw !== 'number' || raw < 0) throw new Error(`the pause ${when} is ${pyJsonDumps(raw)} after substitution, not a number of seconds`);
  const ms = raw * 1000;
  const startMs = ctx.journal.now();
  note(ctx, 'step.start', `pause ${formatDuration(ms)} ${when} ${label}`, { pause: when, seconds: raw });
  await sleep(ms, ctx.signal);
  note(ctx, 'step.end', `pause ${formatDuration(ms)} ${when} ${label}`, { pause: when, ...(ctx.signal.aborted ? { cancelled: true } : {}) });
  ctx.journal.band('step', ctx.scrubber.text(`pause ${when} ${label}`), startMs);
}

export function note(ctx: Pick<ActivityContext, 'journal' | 'scrubber'>, type: string, message: string, data?: Record<string, unknown>): void {
  ctx.journal.note(type, ctx.scrubber.text(message), data === undefined ? undefined : ctx.scrubber.scrub(data));
}

function outcomeLine(activity: ChaosToolkitActivity, output: Record<string, unknown>): string {
  return activity.providerType === 'http' ? `status ${String(output.status)}` : `exit code ${String(output.status)}`;
}

function summarise(result: ActivityResult): Record<string, unknown> {
  const output = result.output;
  if (!output) return { error: result.status === 'failed' ? result.error : undefined };
  const tail = (text: unknown) => (typeof text === 'string' && text.length > OUTPUT_TAIL ? `…${text.slice(-OUTPUT_TAIL)}` : text);
  const body = typeof output.body === 'string' ? tail(output.body) : output.body === undefined ? undefined : tail(pyJsonDumps(output.body));
  return {
    output: 'stdout' in output ? { status: output.status, stdout: tail(output.stdout), stderr: tail(output.stderr) } : { status: output.status, body },
    ...(result.status === 'failed' ? { error: result.error } : {}),
  };
}
