import type { FaultContext, ResolvedTarget } from '../faults/fault.js';
import { faultDefinition } from '../faults/registry.js';
import { formatDuration, parseDuration } from '../units/units.js';
import type { DrillDeclaration } from './drill.js';
import { writtenFault, type Experiment, type FaultStep, type Step } from './schema.js';
import { targetKind, TargetError } from './target-kinds.js';
import { targetKinds } from './target-registry.js';
import { describeLoad } from './sources.js';

// Before anything is touched: resolve every declared target (which also proves each holding component is
// reachable), ask each fault to check itself, and write down exactly what will be touched, in which order
// and for how long. `--dry-run` prints this and stops; a real run journals it as its blast radius.

export type ResolvedTargets = ReadonlyMap<string, ResolvedTarget[]>;

export async function resolveTargets(experiment: Experiment): Promise<ResolvedTargets> {
  const resolved = new Map<string, ResolvedTarget[]>();
  await Promise.all(
    Object.entries(experiment.targets).map(async ([name, declaration]) => {
      const kind = targetKind((declaration as { kind: string }).kind, targetKinds);
      try {
        resolved.set(name, await kind.resolve(name, declaration as Record<string, unknown>));
      } catch (error) {
        // Whatever a target kind throws while resolving means "cannot be reached or does not exist": exit 3.
        throw error instanceof TargetError ? error : new TargetError(`target ${name}: ${(error as Error).message}`);
      }
    }),
  );
  return resolved;
}

export function faultParams(fault: FaultStep): Record<string, unknown> {
  const { kind: _kind, target: _target, duration, ...params } = fault;
  // A kind with its own duration parameter (cpu-stress) receives it as written.
  return typeof duration === 'string' ? { ...params, duration } : params;
}

/** How long a fault step lasts, whether the step or the kind's own params say it. */
export function faultDurationMs(fault: FaultStep): number | undefined {
  const value = fault.duration as unknown;
  if (typeof value === 'number') return value;
  return typeof value === 'string' ? parseDuration(value) : undefined;
}

/** A drill step in words: what the plan, the progress line and the journal say of it. */
export function describeDrill(drill: DrillDeclaration): string {
  return `declare drill incident "${drill.title}" (${drill.severity}${drill.components.length > 0 ? ` on ${drill.components.join(', ')}` : ''}; commander ${drill.commander}), closed when the run ends`;
}

/** The fault a step injects, with its target: a kind's own step (`lever:`) may leave out the only one of its kind. */
export function asFaultStep(step: Step, experiment: Experiment): FaultStep | undefined {
  const written = writtenFault(step);
  if (!written) return undefined;
  const { kind, fields } = written;
  const wanted = faultDefinition(kind).targetKind;
  const target = fields.target ?? Object.entries(experiment.targets).find(([, t]) => (t as { kind: string }).kind === wanted)![0];
  return { ...fields, kind, target } as FaultStep;
}

/**
 * Runs every fault's preflight against its resolved targets; the first refusal stops the run (exit 3).
 * The blast radius is per target, not per step: the instances every step would touch are summed over the
 * whole method and rollbacks, and a total above the target's maxInstances is refused. Returns the totals.
 */
export async function preflightFaults(experiment: Experiment, targets: ResolvedTargets, ctx: FaultContext): Promise<Map<string, number>> {
  const checks: Promise<{ target: ResolvedTarget; instances: number }>[] = [];
  forEachStep([...experiment.method, ...experiment.rollbacks], (step) => {
    const fault = asFaultStep(step, experiment);
    if (!fault) return;
    const definition = faultDefinition(fault.kind);
    for (const target of targets.get(fault.target) ?? []) {
      checks.push(
        (async () => {
          try {
            const result = (await definition.preflight?.(target, faultParams(fault), ctx)) ?? undefined;
            return { target, instances: result?.instances ?? 0 };
          } catch (error) {
            throw new TargetError(`fault ${fault.kind} on target ${target.name} (${target.selector}) refused before anything was touched: ${(error as Error).message}`);
          }
        })(),
      );
    }
  });
  const totals = new Map<string, number>();
  for (const { target, instances } of await Promise.all(checks)) {
    if (instances === 0) continue;
    const total = (totals.get(target.name) ?? 0) + instances;
    totals.set(target.name, total);
    const max = target.blastRadius?.maxInstances;
    if (max !== undefined && total > max) {
      throw new TargetError(
        `target ${target.name} (${target.selector}): the method's faults would touch ${total} instance(s) in total, more than its declared maxInstances: ${max}; ` +
          'nothing was touched. Raise maxInstances or touch fewer instances',
      );
    }
  }
  return totals;
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
    const fault = asFaultStep(step, experiment);
    if (!fault) return;
    const definition = faultDefinition(fault.kind);
    const lasts = faultDurationMs(fault);
    for (const target of targets.get(fault.target) ?? []) {
      lines.push(`${definition.describe(target, faultParams(fault))}, ${lasts !== undefined ? `for ${formatDuration(lasts)}` : 'until the method ends'} (target ${target.name})`);
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
    const fault = asFaultStep(step, experiment);
    if (fault) {
      const definition = faultDefinition(fault.kind);
      const lasts = faultDurationMs(fault);
      for (const target of targets.get(fault.target) ?? []) {
        const what = definition.describe(target, faultParams(fault));
        events.push({ atMs: at, text: `inject ${what}` });
        if (lasts !== undefined) events.push({ atMs: at + lasts, text: `revert ${what}` });
        else open.push(what);
      }
      return at + (lasts ?? 0);
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
    if (step.incident) {
      events.push({ atMs: at, text: describeDrill(step.incident.declare) });
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
