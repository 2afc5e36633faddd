import { closeProxyControls } from '../faults/proxy-control.js';
import type { RunContext } from './run-context.js';

// Where a run begins touching things and where it lets go of them, shared by both lifecycles: a GameDay
// experiment's (run.ts) and a Chaos Toolkit experiment's (chaostoolkit/run.ts).

const runTimers = new WeakMap<RunContext, NodeJS.Timeout[]>();

/** From here on things are touched: the run is recorded (so `gameday halt` can find it) and its sources start. */
export async function startRun(run: RunContext): Promise<void> {
  await run.recordStart();
  run.journal.note('run.start', `run ${run.runId} of "${run.experiment.title}"`, { blastRadius: run.blastRadius, format: run.options.loaded.format });
  run.options.signal?.addEventListener('abort', () => void run.abort('signal', 'stopped by the operator (interrupt)'), { once: true });
  const timers = [setInterval(() => void run.observeHalt(), run.experiment.settings.guardrailInterval)];
  if (run.options.onProgress) {
    timers.push(setInterval(() => run.options.onProgress!(run.progress()), 250));
    run.abortController.signal.addEventListener('abort', () => run.options.onProgress!(run.progress()));
  }
  runTimers.set(run, timers);
  run.sources.startAutomatic();
}

/** Whatever happened: sources stopped, every fault off, every lease released. */
export async function stopRun(run: RunContext): Promise<void> {
  for (const timer of runTimers.get(run) ?? []) clearInterval(timer);
  await run.faults.revertAllAtOnce().catch(() => undefined);
  await run.sources.stopAll();
  await run.leases.releaseAll();
  await closeProxyControls();
}
