import type { ObjectiveResult } from '../../journal/outcome.js';
import type { ChaosToolkitActivity } from './activities.js';
import { callProvider, executeActivity, note, type ActivityContext } from './activity.js';
import { isMapping } from './configuration.js';
import { pyStr } from './python-values.js';
import { judgeTolerance, type ToleranceResult } from './tolerance.js';

// The steady-state hypothesis, checked as Chaos Toolkit checks it: each probe once, in order, and the
// check stops at the first probe that fails to run or falls outside its tolerance. A skipped probe
// (--skip-unsupported) is neither met nor missed; it is marked in the journal.

export type SteadyStatePhase = 'before' | 'during' | 'after';

/** One probe of one check: judged against its tolerance, or failed to run. */
interface ProbeJudgement {
  probe: ChaosToolkitActivity;
  ok: boolean;
  judged?: ToleranceResult;
  error?: string;
}

export interface SteadyStateCheck {
  met: boolean;
  /** A probe failed to run (Chaos Toolkit then reports status "failed" rather than "completed"). */
  probeFailed: boolean;
  results: ProbeJudgement[];
  /** Where `chaos run` itself would have stopped with a Python error. */
  crashes: string[];
}

export async function checkSteadyState(probes: readonly ChaosToolkitActivity[], phase: SteadyStatePhase, ctx: ActivityContext): Promise<SteadyStateCheck> {
  const check: SteadyStateCheck = { met: true, probeFailed: false, results: [], crashes: [] };
  for (const probe of probes) {
    if (ctx.signal.aborted) break;
    const result = await executeActivity(probe, ctx, `steady state ${phase}`);
    if (result === 'skipped') continue;
    const where = ctx.where(probe);
    if (result.status === 'failed') {
      const judgement: ProbeJudgement = { probe, ok: false, error: result.error };
      check.met = false;
      check.probeFailed = true;
      check.results.push(judgement);
      note(ctx, 'hypothesis.checked', `${phase}: probe ${probe.name} failed to run, so its tolerance could not be checked: ${result.error}`, { ...objectiveOf(judgement, phase), where });
      break;
    }
    const judged = await judgeTolerance(probe.tolerance, result.output, ctx.lookup, (tolerance, value) => runProbeTolerance(tolerance, value, ctx));
    const judgement: ProbeJudgement = { probe, ok: judged.met, judged };
    check.results.push(judgement);
    if (judged.crash) check.crashes.push(`${where}: ${judged.crash}`);
    note(ctx, 'hypothesis.checked', `${phase}: ${probe.name}: expected ${judged.expected}, measured ${judged.measured} — ${judged.met ? 'met' : 'MISSED'}`, {
      ...objectiveOf(judgement, phase), where, ...(judged.crash ? { crash: judged.crash } : {}),
    });
    if (!judged.met) {
      check.met = false;
      break;
    }
  }
  return check;
}

/** The journal's objective rows for one check: one per probe that was judged. */
export function objectivesOf(check: SteadyStateCheck, phase: SteadyStatePhase): ObjectiveResult[] {
  return check.results.map((judgement) => objectiveOf(judgement, phase));
}

function objectiveOf({ probe, ok, judged, error }: ProbeJudgement, phase: SteadyStatePhase): ObjectiveResult {
  return {
    name: probe.name,
    phase,
    sli: describeProvider(probe),
    expected: judged?.expected ?? 'the probe runs',
    measured: judged?.measured ?? `failed: ${error}`,
    measuredValue: judged?.measuredValue ?? null,
    ok,
  };
}

/** A probe tolerance: the probe runs with the value under test added to its arguments as `value`. */
async function runProbeTolerance(tolerance: Record<string, unknown>, value: Record<string, unknown>, ctx: ActivityContext): Promise<{ ok: boolean; error?: string }> {
  const provider = tolerance.provider as Record<string, unknown>;
  const args = isMapping(provider.arguments) ? provider.arguments : {};
  const withValue = { ...provider, arguments: { ...args, value } };
  const result = await callProvider({ provider: withValue, providerType: provider.type as 'http' | 'process' }, ctx);
  return result.status === 'succeeded' ? { ok: true } : { ok: false, error: result.error };
}

export function describeProvider(activity: Pick<ChaosToolkitActivity, 'provider' | 'providerType'>): string {
  const p = activity.provider;
  if (activity.providerType === 'http') return `${pyStr(p.method ?? 'GET').toUpperCase()} ${pyStr(p.url)}`;
  if (activity.providerType === 'process') {
    const args = typeof p.arguments === 'string' ? p.arguments : Array.isArray(p.arguments) ? p.arguments.map(pyStr).join(' ') : '';
    return `run ${pyStr(p.path)}${args ? ` ${args}` : ''}`;
  }
  return `python ${pyStr(p.module)}.${pyStr(p.func)}`;
}
