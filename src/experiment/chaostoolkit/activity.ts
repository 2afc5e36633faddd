import { formatPath } from '../../config/structured-file.js';
import type { ChaosToolkitOutput, ChaosToolkitSection, JournalEventData, JournalEventType } from '../../journal/events.js';
import type { JournalRecorder } from '../../journal/recorder.js';
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

export async function executeActivity(activity: ChaosToolkitActivity, ctx: ActivityContext, section: ChaosToolkitSection): Promise<ActivityResult | 'skipped'> {
  const label = `${activity.type} ${activity.name}`;
  const place = { path: formatPath(activity.path), section, where: ctx.where(activity) };
  if (activity.unsupported) {
    note(ctx, 'activity.skipped', `${label}: skipped, ${activity.unsupported.what} cannot run here (--skip-unsupported)`, { ...place, what: activity.unsupported.what, instead: activity.unsupported.instead });
    return 'skipped';
  }
  const pauses = substitute(activity.pauses, ctx.lookup) as Record<string, unknown>;
  const startMs = ctx.journal.now();
  note(ctx, 'step.start', `${label}${activity.background ? ' (in the background)' : ''}`, { ...place, ...(activity.ref ? { ref: activity.ref } : {}) });
  let result: ActivityResult;
  try {
    await pause(pauses.before, 'before', label, place.path, ctx);
    result = await callProvider(activity, ctx);
  } catch (error) {
    result = { status: 'failed', error: (error as Error).message };
  }
  if (result.status === 'succeeded') note(ctx, activity.type, `${label}: ${outcomeLine(activity, result.output)}`, { ...place, output: outputOf(result.output) });
  else note(ctx, `${activity.type}.failed`, `${label} failed: ${result.error}`, { ...place, error: result.error, ...(result.output ? { output: outputOf(result.output) } : {}) });
  try {
    if (!ctx.signal.aborted) await pause(pauses.after, 'after', label, place.path, ctx);
  } catch (error) {
    note(ctx, 'warning', `${label}: ${(error as Error).message}`, place);
  }
  note(ctx, 'step.end', label, { ...place, ...cancelled(ctx.signal) });
  ctx.journal.band('step', ctx.scrubber.text(label), startMs);
  return result;
}

/** The provider call alone: what a probe tolerance and a dynamic configuration value run too. */
export async function callProvider(activity: Pick<ChaosToolkitActivity, 'provider' | 'providerType'>, ctx: Pick<ActivityContext, 'lookup' | 'substituteArguments' | 'signal'>): Promise<ActivityResult> {
  if (activity.providerType === 'http') return runHttpCall(prepareHttpCall(activity.provider, ctx.lookup, ctx.substituteArguments), ctx.signal);
  if (activity.providerType === 'process') return runProcessCall(prepareProcessCall(activity.provider, ctx.lookup, ctx.substituteArguments), ctx.signal);
  return { status: 'failed', error: 'python providers cannot run here' };
}

async function pause(raw: unknown, when: 'before' | 'after', label: string, path: string, ctx: ActivityContext): Promise<void> {
  if (raw === undefined || raw === null || raw === 0 || raw === '' || raw === false) return;
  if (typeof raw !== 'number' || raw < 0) throw new Error(`the pause ${when} is ${pyJsonDumps(raw)} after substitution, not a number of seconds`);
  const ms = raw * 1000;
  const startMs = ctx.journal.now();
  note(ctx, 'step.start', `pause ${formatDuration(ms)} ${when} ${label}`, { path, pause: when, seconds: raw });
  await sleep(ms, ctx.signal);
  note(ctx, 'step.end', `pause ${formatDuration(ms)} ${when} ${label}`, { path, pause: when, ...cancelled(ctx.signal) });
  ctx.journal.band('step', ctx.scrubber.text(`pause ${when} ${label}`), startMs);
}

/** Journals an event with every secret scrubbed from its message and its data. */
export function note<T extends JournalEventType>(ctx: Pick<ActivityContext, 'journal' | 'scrubber'>, type: T, message: string, data: JournalEventData<T>): void {
  ctx.journal.note(type, ctx.scrubber.text(message), ctx.scrubber.scrub(data));
}

function cancelled(signal: AbortSignal): { cancelled?: true } {
  return signal.aborted ? { cancelled: true } : {};
}

function outcomeLine(activity: ChaosToolkitActivity, output: Record<string, unknown>): string {
  return activity.providerType === 'http' ? `status ${String(output.status)}` : `exit code ${String(output.status)}`;
}

/** The output as the journal keeps it: enough to read it, never megabytes. */
function outputOf(output: Record<string, unknown>): ChaosToolkitOutput {
  const tail = (text: string) => (text.length > OUTPUT_TAIL ? `…${text.slice(-OUTPUT_TAIL)}` : text);
  const status = Number(output.status);
  if ('stdout' in output) return { status, stdout: tail(String(output.stdout)), stderr: tail(String(output.stderr)) };
  if (output.body === undefined) return { status };
  return { status, body: tail(typeof output.body === 'string' ? output.body : pyJsonDumps(output.body)) };
}
