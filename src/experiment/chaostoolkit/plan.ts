import { formatDuration } from '../../units/units.js';
import type { PlannedEvent } from '../blast-radius.js';
import type { ChaosToolkitActivity } from './activities.js';
import { substitutesArguments } from './configuration.js';
import type { ChaosToolkitPlan, HypothesisStrategy, RollbackStrategy } from './document.js';
import { describeProvider } from './hypothesis.js';
import type { SecretScrubber } from './scrub.js';
import { substitute, type Lookup } from './substitute.js';

// What a Chaos Toolkit run will do, before it does it: the blast radius (every action and probe of the
// method and the rollbacks, with configuration values filled in and secrets hidden) and the timeline
// `--dry-run` prints. A probe whose value comes from a dynamic configuration is shown as written.

export function chaosToolkitBlastRadius(plan: ChaosToolkitPlan, lookup: Lookup, scrubber: SecretScrubber): string[] {
  const substituteArguments = substitutesArguments(plan.resolved);
  const line = (section: string, a: ChaosToolkitActivity) =>
    scrubber.text(`${section}: ${a.type} ${a.name}: ${a.unsupported ? `skipped (${a.unsupported.what})` : describe(a, lookup, substituteArguments)}${a.background ? ' (in the background)' : ''}`);
  return [...plan.method.map((a) => line('method', a)), ...plan.rollbacks.map((a) => line('rollbacks', a))];
}

export function chaosToolkitTimeline(plan: ChaosToolkitPlan, strategies: { rollbacks: RollbackStrategy; hypothesis: HypothesisStrategy }, lookup: Lookup, scrubber: SecretScrubber): PlannedEvent[] {
  const events: PlannedEvent[] = [];
  const substituteArguments = substitutesArguments(plan.resolved);
  let t = 0;
  const add = (text: string) => events.push({ atMs: t, text: scrubber.text(text) });
  const seconds = (value: unknown) => (typeof value === 'number' && value > 0 ? value * 1000 : 0);
  const activity = (section: string, a: ChaosToolkitActivity) => {
    if (a.unsupported) return add(`${section}: skip ${a.type} ${a.name} (${a.unsupported.what})`);
    const pauses = substitute(a.pauses, lookup) as Record<string, unknown>;
    const before = seconds(pauses.before);
    if (before) add(`${section}: pause ${formatDuration(before)}`);
    t += before;
    add(`${section}: ${a.type} ${a.name}: ${describe(a, lookup, substituteArguments)}${a.background ? ' (in the background)' : ''}`);
    const after = seconds(pauses.after);
    if (after) add(`${section}: pause ${formatDuration(after)} after ${a.name}`);
    if (!a.background) t += after;
  };
  const probes = plan.hypothesis?.probes ?? [];
  const { hypothesis } = strategies;
  if (plan.resolved.dynamic.length > 0) add(`configuration: run ${plan.resolved.dynamic.length} probe(s) for ${plan.resolved.dynamic.map((d) => d.key).join(', ')}`);
  if (['default', 'before-method-only', 'continuously'].includes(hypothesis)) for (const p of probes) activity('steady state before', p);
  if (['during-method-only', 'continuously'].includes(hypothesis) && probes.length > 0) add('steady state during the method: every probe, every second');
  for (const a of plan.method) activity('method', a);
  if (['default', 'after-method-only', 'continuously'].includes(hypothesis)) for (const p of probes) activity('steady state after', p);
  const when: Record<RollbackStrategy, string> = {
    default: 'unless the run failed or was interrupted',
    always: 'always',
    never: 'never (--rollback-strategy never)',
    deviated: 'only if the steady state deviated',
  };
  if (plan.rollbacks.length > 0) add(`rollbacks (${when[strategies.rollbacks]}):`);
  for (const a of plan.rollbacks) activity('rollbacks', a);
  return events;
}

function describe(activity: ChaosToolkitActivity, lookup: Lookup, substituteArguments: boolean): string {
  return describeProvider({ provider: asRun(activity, lookup, substituteArguments), providerType: activity.providerType });
}

/**
 * The provider with what the run substitutes substituted, and nothing else, so that the plan shows the
 * command that runs: a process's `path` as written and its `arguments` only when the run substitutes them
 * (./process-provider.ts); an HTTP call's url, headers and timeout always, its `arguments` likewise
 * (./http-provider.ts); a Python provider as written.
 */
function asRun(activity: ChaosToolkitActivity, lookup: Lookup, substituteArguments: boolean): Record<string, unknown> {
  const provider = { ...activity.provider };
  if (activity.providerType === 'python') return provider;
  if (substituteArguments && provider.arguments !== undefined) provider.arguments = substitute(provider.arguments, lookup);
  if (activity.providerType === 'http') {
    for (const key of ['url', 'headers', 'timeout']) if (provider[key] !== undefined) provider[key] = substitute(provider[key], lookup);
  }
  return provider;
}
