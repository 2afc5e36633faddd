import { readActivity, type ChaosToolkitActivity, type PendingRef, type ReadContext } from './activities.js';
import { isMapping, resolveConfiguration, type ResolvedConfiguration } from './configuration.js';
import type { ImportProblem, ImportWarning, JsonPath, UnsupportedPart } from './problems.js';
import { control } from './unsupported.js';
import { HYPOTHESIS_STRATEGIES, ROLLBACK_STRATEGIES, type HypothesisStrategy, type RollbackStrategy } from '../../journal/chaostoolkit.js';

// Reading a Chaos Toolkit experiment file into what a run needs, with every problem named at once:
// what `chaos validate` would refuse, what could only crash mid-run, and what cannot run here (Python
// providers and controls). Fields Chaos Toolkit ignores are ignored here too, with a warning.

// The strategies are recorded in the journal, whose format names them (src/journal/chaostoolkit.ts).
export { ROLLBACK_STRATEGIES, type HypothesisStrategy, type RollbackStrategy };

export interface ChaosToolkitPlan {
  title: string;
  description?: string;
  resolved: ResolvedConfiguration;
  /** Absent when the experiment declares none (or declares one without probes): nothing to check. */
  hypothesis?: { title: string; probes: ChaosToolkitActivity[] };
  method: ChaosToolkitActivity[];
  rollbacks: ChaosToolkitActivity[];
  /** From the experiment's `runtime` block; `gameday run --rollback-strategy` overrides it. */
  rollbackStrategy: RollbackStrategy;
  hypothesisStrategy: HypothesisStrategy;
  unsupported: UnsupportedPart[];
  warnings: ImportWarning[];
}

const KNOWN_KEYS = new Set([
  'version', 'title', 'description', 'tags', 'contributions', 'configuration', 'secrets', 'extensions', 'controls',
  'steady-state-hypothesis', 'method', 'rollbacks', 'runtime',
]);

type Json = Record<string, unknown>;

/** Fields only Chaos Toolkit has; GameDay's own format has none of them. */
const CHAOS_TOOLKIT_ONLY = ['steady-state-hypothesis', 'configuration', 'secrets', 'controls', 'contributions', 'runtime', 'extensions', 'tags', 'version'];

export function isChaosToolkit(doc: Json): boolean {
  if (CHAOS_TOOLKIT_ONLY.some((key) => key in doc)) return true;
  const activities = [doc.method, doc.rollbacks].flatMap((list) => (Array.isArray(list) ? list : []));
  return activities.some((entry) => isMapping(entry) && (entry.type === 'action' || entry.type === 'probe' || typeof entry.ref === 'string'));
}

export function readChaosToolkit(doc: Json, env: NodeJS.ProcessEnv = process.env): { plan: ChaosToolkitPlan; problems: ImportProblem[] } {
  const ctx: ReadContext = { problems: [], unsupported: [], warnings: [] };
  const problem = (path: JsonPath, message: string) => void ctx.problems.push({ path, message });
  if (typeof doc.title !== 'string' || doc.title === '') problem(['title'], 'a Chaos Toolkit experiment requires a title');
  if (typeof doc.description !== 'string' || doc.description === '') problem(['description'], 'a Chaos Toolkit experiment requires a description');
  if (doc.tags !== undefined && doc.tags !== null && (!Array.isArray(doc.tags) || doc.tags.some((t) => typeof t !== 'string' || t === ''))) {
    problem(['tags'], 'experiment tags must be non-empty strings');
  }
  if (Array.isArray(doc.extensions)) {
    doc.extensions.forEach((ext, i) => {
      if (!isMapping(ext) || typeof ext.name !== 'string' || ext.name.trim() === '') problem(['extensions', i], 'all extensions require a non-empty name');
    });
  }
  for (const key of Object.keys(doc)) {
    if (!KNOWN_KEYS.has(key)) ctx.warnings.push({ path: [key], onKey: true, message: `"${key}" is not a Chaos Toolkit field; it is ignored, as Chaos Toolkit ignores it` });
  }
  const resolved = resolveConfiguration(doc, env, ctx.problems, ctx.unsupported);
  resolved.dynamic.forEach(({ probe, path }) => readActivity(probe, path, ctx, 'configuration'));
  if (Array.isArray(doc.controls)) doc.controls.forEach((c, i) => ctx.unsupported.push(control(['controls', i], isMapping(c) ? c : {})));
  else if (doc.controls !== undefined && doc.controls !== null) problem(['controls'], 'controls must be a list');

  const named = new Map<string, ChaosToolkitActivity>();
  const hypothesisEntries = readHypothesis(doc['steady-state-hypothesis'], ctx);
  if (!('method' in doc) || doc.method === null) problem(['method'], 'an experiment requires a method, which can be empty for only checking the steady-state hypothesis');
  const methodEntries = readList(doc.method, ['method'], ctx, 'method');
  const rollbackEntries = readList(doc.rollbacks, ['rollbacks'], ctx, 'rollbacks');
  // Chaos Toolkit's cache of named activities: the method's, then the hypothesis probes' (which win).
  for (const entry of [...methodEntries, ...(hypothesisEntries?.probes ?? [])]) if ('provider' in entry && entry.name) named.set(entry.name, entry);
  const resolveRefs = (entries: (ChaosToolkitActivity | PendingRef)[]) =>
    entries.flatMap((entry) => {
      if ('provider' in entry) return [entry];
      const target = named.get(entry.ref);
      if (!target) {
        problem([...entry.path, 'ref'], `referenced activity '${entry.ref}' could not be found in the method or the steady-state probes`);
        return [];
      }
      return [{ ...target, path: entry.path, ref: entry.ref, ...('tolerance' in entry && entry.tolerance !== undefined ? { tolerance: entry.tolerance } : {}) }];
    });

  const runtime = isMapping(doc.runtime) ? doc.runtime : {};
  const rollbackStrategy = strategyOf(runtime.rollbacks, ['runtime', 'rollbacks', 'strategy'], ROLLBACK_STRATEGIES, 'default', ctx);
  const hypothesisStrategy = strategyOf(runtime.hypothesis, ['runtime', 'hypothesis', 'strategy'], HYPOTHESIS_STRATEGIES, 'default', ctx);
  const probes = hypothesisEntries ? resolveRefs(hypothesisEntries.probes) : [];
  const plan: ChaosToolkitPlan = {
    title: typeof doc.title === 'string' ? doc.title : '',
    description: typeof doc.description === 'string' ? doc.description : undefined,
    resolved,
    hypothesis: hypothesisEntries && probes.length > 0 ? { title: hypothesisEntries.title, probes } : undefined,
    method: resolveRefs(methodEntries),
    rollbacks: resolveRefs(rollbackEntries),
    rollbackStrategy,
    hypothesisStrategy,
    unsupported: ctx.unsupported,
    warnings: ctx.warnings,
  };
  return { plan, problems: ctx.problems };
}

function readHypothesis(raw: unknown, ctx: ReadContext): { title: string; probes: (ChaosToolkitActivity | PendingRef)[] } | undefined {
  if (raw === undefined || raw === null) return undefined;
  const path = ['steady-state-hypothesis'];
  if (!isMapping(raw)) {
    ctx.problems.push({ path, message: 'expected a mapping with title and probes' });
    return undefined;
  }
  if (typeof raw.title !== 'string' || raw.title === '') ctx.problems.push({ path: [...path, 'title'], message: 'the steady-state hypothesis requires a title' });
  if (Array.isArray(raw.controls)) raw.controls.forEach((c, i) => ctx.unsupported.push(control([...path, 'controls', i], isMapping(c) ? c : {})));
  return { title: typeof raw.title === 'string' ? raw.title : '', probes: readList(raw.probes, [...path, 'probes'], ctx, 'hypothesis') };
}

function readList(raw: unknown, path: JsonPath, ctx: ReadContext, where: 'hypothesis' | 'method' | 'rollbacks'): (ChaosToolkitActivity | PendingRef)[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    ctx.problems.push({ path, message: 'expected a list of activities' });
    return [];
  }
  return raw.flatMap((entry, i) => readActivity(entry, [...path, i], ctx, where) ?? []);
}

function strategyOf<T extends string>(block: unknown, path: JsonPath, allowed: readonly T[], fallback: T, ctx: ReadContext): T {
  if (!isMapping(block) || block.strategy === undefined) return fallback;
  // Chaos Toolkit's command line accepts this misspelling of `continuously` too.
  const value = block.strategy === 'continously' ? 'continuously' : block.strategy;
  if (!allowed.includes(value as T)) {
    ctx.problems.push({ path, message: `expected one of ${allowed.join(', ')}, got ${JSON.stringify(block.strategy)}` });
    return fallback;
  }
  return value as T;
}
