import { IncidentInputError, IncidentNotFoundError, parseIncidentId } from '../incidents/incident.js';
import { Incidents } from '../incidents/incidents.js';
import { SEVERITY } from '../incidents/severity.js';
import { incidentView, type IncidentView } from '../incidents/view.js';
import { worst, type Status } from '../status/status.js';
import type { Store } from '../store/engine.js';
import { RunStore } from '../store/runs.js';
import { CoeSourceError, type CoeFacts, type ComponentImpact, type FactSource, type FaultFact, type LeverFact, type RunFact } from './facts.js';

// `gameday coe new --incident <id>`: the facts of an incident as its record keeps them — its moments, its
// severity, the timeline that filled itself (status changes, alerts, faults and levers, what people wrote),
// the worst status of each affected component in its window, and the runs that were going on. The draft
// (draft.ts) reads them as it reads a run's; what only people can say is left for them to write.

export const incidentSource: FactSource = {
  option: 'incident',
  async read(reference, context) {
    let id: number;
    try {
      id = parseIncidentId(reference);
    } catch (error) {
      if (error instanceof IncidentInputError) throw new CoeSourceError(error.message);
      throw error;
    }
    const store = await context.store();
    if (!store) throw new CoeSourceError(`no incident ${reference}: there is no store at ${context.storeLocation} yet`);
    try {
      return { facts: await incidentFacts(store, await incidentView(new Incidents(store), id)) };
    } catch (error) {
      if (error instanceof IncidentNotFoundError) throw new CoeSourceError(`${error.message.replace('this store', context.storeLocation)}`);
      throw error;
    }
  },
};

export async function incidentFacts(store: Store, view: IncidentView): Promise<CoeFacts> {
  const { incident, timeline } = view;
  const iso = (ms: number | null) => (ms === null ? undefined : new Date(ms).toISOString());
  const entries = timeline.entries;
  return {
    subject: {
      kind: 'incident',
      id: incident.ref,
      title: incident.title,
      description: `${incident.drill ? 'A drill: ' : ''}${incident.severity} (${SEVERITY[incident.severity].name}): ${SEVERITY[incident.severity].meaning}`,
    },
    severity: incident.severity,
    window: { started: iso(incident.moments.startedMs), detected: iso(incident.moments.detectedMs), mitigated: iso(incident.moments.mitigatedMs), resolved: iso(incident.moments.resolvedMs) },
    timeline: entries.map((e) => ({ at: e.at, source: e.source, kind: e.kind, text: e.text })),
    timelineOmitted: 0,
    components: await worstStatuses(store, view),
    traffic: [],
    budgets: [],
    objectives: [],
    faults: faultsOf(view),
    levers: entries.flatMap((e): LeverFact[] => (e.lever ? [{ lever: e.lever.name, action: e.lever.action === 'pull' ? 'pulled' : 'reset', at: e.at }] : [])),
    runs: await runsOf(store, view),
    charts: [],
    recordedBy: `the record of incident ${incident.ref} (its timeline and the status history of ${incident.components.join(', ') || 'no component'})`,
  };
}

/** Each affected component's worst status from the start of the window to its end, the status it was in when the window opened included. */
async function worstStatuses(store: Store, view: IncidentView): Promise<ComponentImpact[]> {
  const { fromMs, toMs } = view.timeline.window;
  const impacts: ComponentImpact[] = [];
  for (const component of view.incident.components) {
    const rows = await store.all<{ to_status: Status }>(
      `SELECT to_status FROM (SELECT to_status, seq FROM status_changes WHERE component = ? AND at_ms < ? ORDER BY seq DESC LIMIT 1) AS before_window
       UNION ALL SELECT to_status FROM status_changes WHERE component = ? AND at_ms >= ? AND at_ms < ?`,
      [component, fromMs, component, fromMs, toMs],
    );
    impacts.push({ name: view.componentNames.get(component) ?? component, worstStatus: worst(rows.map((r) => r.to_status)) });
  }
  return impacts;
}

function faultsOf(view: IncidentView): FaultFact[] {
  const entries = view.timeline.entries;
  return entries
    .filter((e) => e.kind === 'fault.injected' && e.fault)
    .map((e) => {
      const reverted = entries.find((r) => r.kind === 'fault.reverted' && r.run?.id === e.run?.id && r.fault?.id === e.fault!.id);
      return { description: e.fault!.description, target: e.fault!.target ?? '', injectedAt: e.at, ...(reverted ? { revertedAt: reverted.at } : {}) };
    });
}

/** The runs the incident's window saw, as the store recorded them, with the verdict their journal gives. */
async function runsOf(store: Store, view: IncidentView): Promise<RunFact[]> {
  const runs = new RunStore(store);
  const ids = new Set([...view.timeline.whatChanged.runs.map((r) => r.id), ...view.timeline.entries.flatMap((e) => (e.run ? [e.run.id] : []))]);
  const out: RunFact[] = [];
  for (const id of ids) {
    const run = await runs.get(id);
    if (!run) continue;
    const journal = (await runs.journal(id)) as { verdictReason?: string; durationMs?: number } | undefined;
    out.push({
      id,
      title: run.title,
      experiment: run.file,
      verdict: run.verdict ?? run.status,
      verdictReason: journal?.verdictReason ?? 'the run had not ended when the record was read',
      exitCode: run.exitCode ?? -1,
      startedAt: run.startedAt,
      endedAt: run.endedAt ?? '',
      durationMs: journal?.durationMs ?? 0,
    });
  }
  return out;
}
