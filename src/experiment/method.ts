import { execFile } from 'node:child_process';
import type { FaultContext } from '../faults/fault.js';
import { faultDefinition } from '../faults/registry.js';
import { formatDuration } from '../units/units.js';
import type { FaultBook } from './fault-book.js';
import type { JournalRecorder } from '../journal/recorder.js';
import { asFaultStep, faultDurationMs, faultParams, type ResolvedTargets } from './blast-radius.js';
import type { Experiment, FaultStep, Step } from './schema.js';
import { sleep, type SliSources } from './sources.js';
import { httpCheck } from './http-check.js';

// The method: timed steps, one after the other, with `parallel` groups. Every step is journaled with its
// start and end. Cancelling the signal (a guardrail breach, a halt) ends every waiting step at once; the
// run, not the method, reverts the faults, so that an abort never waits for a step to notice.

export interface MethodContext {
  experiment: Experiment;
  targets: ResolvedTargets;
  journal: JournalRecorder;
  faults: FaultBook;
  sources: SliSources;
  faultContext: FaultContext;
  signal: AbortSignal;
}

export async function runSteps(steps: readonly Step[], ctx: MethodContext, path: string): Promise<void> {
  for (const [index, step] of steps.entries()) {
    if (ctx.signal.aborted) return;
    await runStep(step, ctx, `${path}[${index}]`);
  }
}

export function describeStep(step: Step, experiment: Experiment): string {
  if (step.name) return step.name;
  if (step.wait !== undefined) return `wait ${formatDuration(step.wait)}`;
  if (step.load) return step.load.start ? `start load ${step.load.start}` : `stop load ${step.load.stop}`;
  const fault = asFaultStep(step, experiment);
  if (fault) {
    const lasts = faultDurationMs(fault);
    const title = faultDefinition(fault.kind).title?.(faultParams(fault)) ?? `${fault.kind} on ${fault.target}`;
    return `${title}${lasts !== undefined ? ` for ${formatDuration(lasts)}` : ''}`;
  }
  if (step.parallel) return `parallel (${step.parallel.length} steps)`;
  if (step.probe !== undefined) return `probe ${step.probe}`;
  if (step.http) return `${step.http.method} ${step.http.url}`;
  if (step.process) return `run ${step.process.path}`;
  return 'step';
}

async function runStep(step: Step, ctx: MethodContext, path: string): Promise<void> {
  const label = describeStep(step, ctx.experiment);
  const fault = asFaultStep(step, ctx.experiment);
  const startMs = ctx.journal.now();
  ctx.journal.note('step.start', label, { path });
  try {
    if (step.wait !== undefined) await sleep(step.wait, ctx.signal);
    else if (step.load?.start) ctx.sources.startLoad(step.load.start);
    else if (step.load?.stop) await ctx.sources.stop(step.load.stop);
    else if (fault) await runFault(fault, ctx);
    else if (step.parallel) await Promise.all(step.parallel.map((child, i) => runStep(child, ctx, `${path}.parallel[${i}]`)));
    else if (step.probe !== undefined) {
      const result = await httpCheck(ctx.experiment.probes[step.probe], ctx.signal);
      ctx.journal.note('probe', `probe ${step.probe}: ${result.ok ? 'ok' : 'failed'}${result.status ? ` (${result.status})` : ''}${result.error ? `: ${result.error}` : ''}`, { path, ...result });
    } else if (step.http) {
      const result = await httpCheck(step.http, ctx.signal);
      ctx.journal.note(result.ok ? 'action' : 'action.failed', `${step.http.method} ${step.http.url}: ${result.status ?? result.error}`, { path, ...result });
    } else if (step.process) {
      const result = await runProcess(step.process, ctx.signal);
      ctx.journal.note(result.exitCode === 0 ? 'action' : 'action.failed', `${step.process.path} exited with ${result.exitCode ?? result.error}`, { path, ...result });
    }
  } finally {
    ctx.journal.note('step.end', label, { path, ...(ctx.signal.aborted ? { cancelled: true } : {}) });
    ctx.journal.band('step', label, startMs);
  }
}

async function runFault(fault: FaultStep, ctx: MethodContext): Promise<void> {
  const definition = faultDefinition(fault.kind);
  const params = faultParams(fault);
  const lasts = faultDurationMs(fault);
  const ids = await Promise.all(
    (ctx.targets.get(fault.target) ?? []).map(async (target) => {
      const revert = await definition.inject(target, params, ctx.faultContext);
      return ctx.faults.add(definition.describe(target, params), revert, {
        kind: fault.kind,
        target: target.name,
        selector: target.selector,
        controlUrl: target.controlUrl,
        ...(lasts === undefined ? {} : { durationMs: lasts }),
      });
    }),
  );
  if (lasts === undefined) return;
  await sleep(lasts, ctx.signal);
  if (ctx.signal.aborted) return;
  for (const id of ids.reverse()) await ctx.faults.revert(id);
}

interface ProcessResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  error?: string;
}

function runProcess(action: NonNullable<Step['process']>, signal: AbortSignal): Promise<ProcessResult> {
  return new Promise((resolve) => {
    execFile(action.path, action.arguments, { timeout: action.timeout, signal, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      const tail = (text: string) => text.slice(-2000);
      if (!error) return resolve({ exitCode: 0, stdout: tail(stdout), stderr: tail(stderr) });
      const code = typeof (error as NodeJS.ErrnoException & { code?: unknown }).code === 'number' ? ((error as unknown as { code: number }).code) : null;
      const reason = (error as { killed?: boolean }).killed ? `killed after the ${formatDuration(action.timeout)} timeout` : error.message;
      resolve({ exitCode: code, stdout: tail(stdout), stderr: tail(stderr), ...(code === null ? { error: reason } : {}) });
    });
  });
}
