import { IncidentConflictError, IncidentInputError, IncidentNotFoundError, parseIncidentId, parseRole, ROLE_WORDS, ROLES, UPDATE_STATES, type Incident, type UpdateState } from '../incidents/incident.js';
import { Incidents } from '../incidents/incidents.js';
import { compactSpan, dueText, figuresOf, FIGURES, FIGURE_WORDS } from '../incidents/response.js';
import { SEVERITY } from '../incidents/severity.js';
import { incidentJson, incidentList, incidentStats, incidentView, incidentViewJson, type IncidentView } from '../incidents/view.js';
import { defaultActor } from '../levers/lever.js';
import type { Store } from '../store/engine.js';
import { parseDuration, UnitError } from '../units/units.js';
import { ExitCode } from './command.js';
import { withStore } from './store-option.js';


// The actions of `gameday incident …`, loaded when one runs (the verbs' definitions are in incident-command.ts).
export interface DeclareFlags {
  severity: string;
  component: string[];
  commander?: string;
  ops?: string;
  comms?: string;
  scribe?: string;
  by?: string;
  message?: string;
  started?: string;
  detected?: string;
  lookback: string;
  updateEvery?: string;
  drill?: boolean;
  store?: string;
}

export function declare(title: string, flags: DeclareFlags): Promise<void> {
  return act('declare', flags.store, async (incidents) => {
    const declared = await incidents.declare({
      title,
      severity: flags.severity,
      components: flags.component,
      commander: flags.commander ?? flags.by,
      operations_lead: flags.ops,
      communications_lead: flags.comms,
      scribe: flags.scribe,
      by: flags.by ?? (flags.commander ? defaultActor() : undefined),
      message: flags.message,
      startedMs: moment(flags.started, '--started'),
      detectedMs: moment(flags.detected, '--detected'),
      lookbackMs: span(flags.lookback, '--lookback'),
      updateEveryMs: flags.updateEvery === undefined ? undefined : span(flags.updateEvery, '--update-every'),
      drill: flags.drill,
    });
    say(`declared ${declared.ref}: ${declared.drill ? 'drill, ' : ''}${declared.severity} "${declared.title}"${declared.components.length > 0 ? ` on ${declared.components.join(', ')}` : ''}; incident commander ${declared.roles.commander}`);
    say(`status updates every ${compactSpan(declared.updateEveryMs)}; the timeline: gameday incident show ${declared.id}`);
  });
}

export function list(flags: { all?: boolean; stats?: boolean; per: string; json?: boolean; store?: string }): Promise<void> {
  return act('list', flags.store, async (incidents) => {
    if (flags.stats) {
      if (flags.per !== 'month' && flags.per !== 'week') throw new IncidentInputError(`--per is month or week, got "${flags.per}"`);
      const stats = await incidentStats(incidents, flags.per);
      if (flags.json) return say(JSON.stringify(stats, null, 2));
      return printStats(stats);
    }
    const list = await incidentList(incidents, { limit: flags.all ? 100_000 : 10 });
    if (flags.json) return say(JSON.stringify({ open: list.open.map((l) => incidentJson(l.incident, l.due)), resolved: list.resolved.map((l) => incidentJson(l.incident, l.due)) }, null, 2));
    say(list.open.length === 0 ? 'no open incident' : `${list.open.length} open:`);
    for (const { incident: one, due } of list.open) {
      say(`  ${line(one)}`);
      if (due) say(`      ${due.lateMs > 0 ? 'OVERDUE ' : ''}${dueText(due, one)}`);
    }
    if (list.resolved.length > 0) say(`resolved${flags.all ? '' : ' (the last 10; --all for every one)'}:`);
    for (const { incident: one } of list.resolved) say(`  ${line(one)}, resolved ${iso(one.moments.resolvedMs!)}`);
  });
}

export function show(id: string, flags: { json?: boolean; store?: string }): Promise<void> {
  return act('show', flags.store, async (incidents) => {
    const view = await incidentView(incidents, parseIncidentId(id));
    if (flags.json) return say(JSON.stringify(incidentViewJson(view), null, 2));
    printView(view);
  });
}

export function role(id: string, role: string, person: string, flags: { by?: string; store?: string }): Promise<void> {
  return act('role', flags.store, async (incidents) => {
    const parsed = parseRole(role);
    const { incident: changed, changed: moved } = await incidents.assign(parseIncidentId(id), parsed, person, flags.by ?? defaultActor());
    say(moved ? `${changed.ref}: ${ROLE_WORDS[parsed]} is now ${person}` : `${changed.ref}: ${person} already is the ${ROLE_WORDS[parsed]}; nothing changed`);
  });
}

export function note(id: string, text: string, flags: { by?: string; decision?: boolean; store?: string }): Promise<void> {
  return act('note', flags.store, async (incidents) => {
    const noted = await incidents.note(parseIncidentId(id), text, flags.by ?? defaultActor(), { decision: flags.decision });
    say(`${noted.ref}: ${flags.decision ? 'decision' : 'note'} added`);
  });
}

export function update(id: string, message: string, flags: { by?: string; state?: string; severity?: string; store?: string }): Promise<void> {
  return act('update', flags.store, async (incidents) => {
    if (flags.state !== undefined && !(UPDATE_STATES as readonly string[]).includes(flags.state)) {
      throw new IncidentInputError(`--state is one of ${UPDATE_STATES.join(', ')} (resolve with gameday incident resolve), got "${flags.state}"`);
    }
    const updated = await incidents.update(parseIncidentId(id), { message, by: flags.by ?? defaultActor(), state: flags.state as UpdateState | undefined, severity: flags.severity });
    say(`${updated.ref}: ${updated.state}, ${updated.severity}; next update due ${iso(updated.lastUpdateMs + updated.updateEveryMs)}`);
  });
}

export function resolve(id: string, message: string, flags: { by?: string; store?: string }): Promise<void> {
  return act('resolve', flags.store, async (incidents) => {
    const resolved = await incidents.resolve(parseIncidentId(id), { by: flags.by ?? defaultActor(), message });
    const figures = FIGURES.map((f) => `${FIGURE_WORDS[f]} ${compactSpan(figuresOf(resolved)[f])}`).join(', ');
    say(`${resolved.ref} resolved${resolved.drill ? ' (a drill: left out of the response figures)' : ''}: ${figures}`);
  });
}

/** Runs `work` on the store; what a user can fix is one line, exit 3, and nothing was changed. */
async function act(verb: string, store: string | undefined, work: (incidents: Incidents, store: Store) => Promise<void>): Promise<void> {
  await withStore(`incident ${verb}`, store, async (opened) => {
    try {
      await work(new Incidents(opened!), opened!);
    } catch (error) {
      if (!(error instanceof IncidentInputError || error instanceof IncidentNotFoundError || error instanceof IncidentConflictError || error instanceof UnitError)) throw error;
      process.stderr.write(`gameday incident ${verb}: ${error.message}${error instanceof IncidentConflictError ? '' : '\nnothing was changed.'}\n`);
      process.exitCode = ExitCode.invalid;
    }
  });
}

function say(text: string): void {
  process.stdout.write(`${text}\n`);
}

function span(text: string, flag: string): number {
  try {
    return parseDuration(text);
  } catch (error) {
    throw new IncidentInputError(`${flag}: ${(error as Error).message}`);
  }
}

/** An ISO time, or a duration meaning "that long ago". */
function moment(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const at = Date.parse(text);
  if (/^\d{4}-\d\d-\d\d/.test(text) && Number.isFinite(at)) return at;
  return Date.now() - span(text, flag);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function line(one: Incident): string {
  return `${one.ref.padEnd(7)} ${one.severity}${one.drill ? ' [drill]' : ''} ${one.state.padEnd(13)} "${one.title}"${one.components.length > 0 ? ` on ${one.components.join(', ')}` : ''}; commander ${one.roles.commander}; declared ${iso(one.moments.declaredMs)}`;
}

function printView(view: IncidentView): void {
  const { incident: one } = view;
  say(`${one.ref} ${one.drill ? '[drill] ' : ''}${one.severity} (${SEVERITY[one.severity].name}) ${one.state}: "${one.title}"${one.components.length > 0 ? ` on ${one.components.map((c) => view.componentNames.get(c) ?? c).join(', ')}` : ''}`);
  for (const role of ROLES) say(`  ${ROLE_WORDS[role].padEnd(20)} ${one.roles[role] ?? `— (held by the commander, ${one.roles.commander})`}`);
  const m = one.moments;
  say(`  started ${iso(m.startedMs)}, detected ${iso(m.detectedMs)}, declared ${iso(m.declaredMs)}, mitigated ${m.mitigatedMs === null ? '—' : iso(m.mitigatedMs)}, resolved ${m.resolvedMs === null ? '—' : iso(m.resolvedMs)}`);
  say(`  ${FIGURES.map((f) => `time ${FIGURE_WORDS[f]} ${compactSpan(view.figures[f])}`).join(', ')}`);
  if (view.due) say(`  ${view.due.lateMs > 0 ? 'OVERDUE: ' : ''}${dueText(view.due, one)}`);
  const { runs, faults, levers } = view.timeline.whatChanged;
  say(`what changed in the ${compactSpan(one.lookbackMs)} before the declaration: ${runs.length} run${runs.length === 1 ? '' : 's'}, ${faults.length} fault change${faults.length === 1 ? '' : 's'}, ${levers.length} lever change${levers.length === 1 ? '' : 's'}`);
  for (const run of runs) say(`  run ${run.id} "${run.title}" ${run.startedAt} → ${run.endedAt ?? 'running'}${run.verdict ? ` (${run.verdict})` : ''}`);
  for (const entry of [...faults, ...levers].sort((a, b) => a.atMs - b.atMs)) say(`  ${entry.at}  ${entry.text} (${entry.source})`);
  say('timeline (UTC; "fact" was recorded by the system, "words" written by a person):');
  const sourceWidth = Math.min(32, Math.max(6, ...view.timeline.entries.map((e) => e.source.length)));
  let marked = false;
  for (const entry of view.timeline.entries) {
    if (!entry.beforeDeclaration && !marked) {
      marked = true;
      say('  ── declared ──');
    }
    say(`  ${entry.at.slice(0, 23).replace('T', ' ')}  ${(entry.words ? 'words' : 'fact').padEnd(5)}  ${entry.kind.padEnd(16)} ${entry.source.padEnd(sourceWidth)}  ${entry.text}`);
  }
}

function printStats(stats: Awaited<ReturnType<typeof incidentStats>>): void {
  say(`response figures, measured from when the trouble began (${stats.drills} drill${stats.drills === 1 ? '' : 's'} left out):`);
  if (stats.incidents.length === 0) return say('  no incident yet');
  for (const f of stats.incidents) say(`  ${f.ref.padEnd(7)} ${f.severity}  ${FIGURES.map((k) => `${FIGURE_WORDS[k]} ${compactSpan(f[k]).padStart(7)}`).join('  ')}  "${f.title}"`);
  say(`per ${stats.by} (median, worst):`);
  for (const p of stats.periods) {
    say(`  ${p.period.padEnd(8)} ${String(p.incidents).padStart(3)} incident${p.incidents === 1 ? ' ' : 's'}  ${FIGURES.map((k) => `${FIGURE_WORDS[k]} ${compactSpan(p.median[k])} (${compactSpan(p.worst[k])})`).join('  ')}`);
  }
}
