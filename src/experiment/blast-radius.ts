import type { FaultContext, ResolvedTarget } from '../faults/fault.js';
import { faultDefinition } from '../faults/registry.js';
import { formatDuration } from '../units/units.js';
import type { Experiment, FaultStep, Step } from './schema.js';
import { targetKind, TargetError } from './target-kinds.js';
import { describeLoad } from './sources.js';

// Before anything is touched: resolve every declared target (which also proves each holding component is
// reachable), ask each fault to check itself, and write down exactly what will be touched, in which order
// and for how long. `--dry-run` prints this and stops; a real run journals it as its blast radius.

export type ResolvedTargets = ReadonlyMap<string, ResolvedTarget[]>;

export async function resolveTargets(experiment: Experiment): Promise<ResolvedTargets> {
  const resolved = new Map<string, ResolvedTarget[]>();
  await Promise.all(
    Object.entries(experiment.targets).map(async ([name, declaration]) => {
      const kind = targetKind((declaration as { kind: string }).kind);
      resolved.set(name, await kind.resolve(name, declaration as Record<string, unknown>));
    }),
  );
  return resolved;
}

export function faultParams(fault: FaultStep): Record<string, unknown> {
  const { kind: _kind, target: _target, duration: _duration, ...params } = fault;
  return params;
}

/** Runs every fault's preflight against its resolved targets; the first refusal stops the run (exit 3). */
export async function preflightFaults(experiment: Experiment, targets: ResolvedTargets, ctx: FaultContext): Promise<void> {
  const checks: Promise<void>[] = [];
  forEachStep([...experiment.method, ...experiment.rollbacks], (step) => {
    if (!step.fault) return;
    const fault = step.fault as FaultStep;
    const definition = faultDefinition(fault.kind);
    for (const target of targets.get(fault.target) ?? []) {
      checks.push(
        (definition.preflight?.(target, faultParams(fault), ctx) ?? Promise.resolve()).catch((error: unknown) => {
          throw new TargetError(`fault ${fault.kind} on target ${target.name} (${target.selector}) refused before anything was touched: ${(error as Error).message}`);
        }),
      );
    }
  });
  await Promise.all(checks);
}

export function forEachStep(steps: readonly Step[], visit: (step: Step) => void): void {
  for (const step of steps) {
    visit(step);
    if (step.parallel) forEachStep(step.parallel, visit);
  }
}

/** One line per fault per target: what a person must agree to before the run. */
export function blastRadius(experiment: Experiment, targets: ResolvedTargets): string[] {
  const lines: string[] = [];
  forEachStep([...experiment.method, ...experiment.rollbacks], (step) => {
    if (!step.fault) return;
    const fault = step.fault as FaultStep;
    const definition = faultDefinition(fault.kind);
    for (const target of targets.get(fault.target) ?? []) {
      lines.push(`${definition.describe(target, faultParams(fault))}, ${fault.duration !== undefined ? `for ${formatDuration(fault.duration)}` : 'until the method ends'} (target ${target.name})`);
    }
  });
  return lines;
}

export interface PlannedEvent {
  atMs: number;
  text: string;
}

/** The timeline of a run as planned: when each step starts and each fault comes off. */
export function timeline(experiment: Experiment, targets: ResolvedTargets): PlannedEvent[] {
  const events: PlannedEvent[] = [];
  const hasBefore = experiment.hypothesis.objectives.some((o) => o.when.includes('before'));
  let t = 0;
  for (const [name, load] of Object.entries(experiment.loads)) if (load.start === 'auto') events.push({ atMs: 0, text: `start load ${name}: ${describeLoad(load)}` });
  if (hasBefore) {
    const warmup = experiment.settings.warmup;
    events.push({ atMs: warmup, text: `check steady state before (${formatDuration(experiment.hypothesis.window)}, after a ${formatDuration(warmup)} warm-up)` });
    t = warmup + experiment.hypothesis.window;
  }
  const open: string[] = [];
  const planSteps = (steps: readonly Step[], start: number): number => {
    let at = start;
    for (const step of steps) at = planStep(step, at);
    return at;
  };
  const planStep = (step: Step, at: number): number => {
    if (step.wait !== undefined) {
      events.push({ atMs: at, text: `wait ${formatDuration(step.wait)}` });
      return at + step.wait;
    }
    if (step.load) {
      const name = step.load.start ?? step.load.stop!;
      events.push({ atMs: at, text: step.load.start ? `start load ${name}: ${describeLoad(experiment.loads[name])}` : `stop load ${name}` });
      return at;
    }
    if (step.fault) {
      const fault = step.fault as FaultStep;
      const definition = faultDefinition(fault.kind);
      for (const target of targets.get(fault.target) ?? []) {
        const what = definition.describe(target, faultParams(fault));
        events.push({ atMs: at, text: `inject ${what}` });
        if (fault.duration !== undefined) events.push({ atMs: at + fault.duration, text: `revert ${what}` });
        else open.push(what);
      }
      return at + (fault.duration ?? 0);
    }
    if (step.parallel) return Math.max(...step.parallel.map((child) => planStep(child, at)));
    if (step.probe !== undefined) {
      events.push({ atMs: at, text: `probe ${step.probe}: ${experiment.probes[step.probe].method} ${experiment.probes[step.probe].url}` });
      return at;
    }
    if (step.http) {
      events.push({ atMs: at, text: `HTTP ${step.http.method} ${step.http.url}` });
      return at;
    }
    if (step.process) {
      events.push({ atMs: at, text: `run ${[step.process.path, ...step.process.arguments].join(' ')} (timeout ${formatDuration(step.process.timeout)})` });
      return at;
    }
    return at;
  };
  t = planSteps(experiment.method, t);
  for (const what of open.reverse()) events.push({ atMs: t, text: `revert ${what}` });
  if (experiment.rollbacks.length > 0) t = planSteps(experiment.rollbacks, t);
  if (experiment.hypothesis.objectives.some((o) => o.when.includes('after'))) {
    events.push({ atMs: t, text: `check steady state after (${formatDuration(experiment.hypothesis.window)})` });
    t += experiment.hypothesis.window;
  }
  for (const [name, load] of Object.entries(experiment.loads)) if (load.start === 'auto') events.push({ atMs: t, text: `stop load ${name}` });
  return events.sort((a, b) => a.atMs - b.atMs);
}
