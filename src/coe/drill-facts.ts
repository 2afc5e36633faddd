import type { LoadedJournal } from '../journal/format.js';
import { IncidentNotFoundError, parseIncidentId } from '../incidents/incident.js';
import { Incidents } from '../incidents/incidents.js';
import { incidentView } from '../incidents/view.js';
import type { Store } from '../store/engine.js';
import type { CoeFacts } from './facts.js';
import { incidentFacts } from './incident-source.js';

// A run that opened a drill incident is reviewed with it: the journal keeps what the run measured and did,
// the drill's record keeps what the run could not see — the status page's changes of its components, its
// declaration, roles and closing, notes people wrote — and the worst status of each component. The run's
// own events stay as the journal words them; the drill adds only the entries the journal does not have.

/** The drill incidents the run declared, as its journal names them (`INC-7`). */
export function drillsOf(journal: Pick<LoadedJournal, 'events'>): string[] {
  return (journal.events ?? []).flatMap((e) => (e.type === 'incident.declared' && typeof e.data?.incident === 'string' ? [e.data.incident] : []));
}

/** `facts` of run `runId` with its drill incident's record joined in; the run's facts alone when the store has no such incident. */
export async function withDrill(facts: CoeFacts, runId: string, ref: string, store: Store): Promise<CoeFacts> {
  let view;
  try {
    view = await incidentView(new Incidents(store), parseIncidentId(ref));
  } catch (error) {
    if (error instanceof IncidentNotFoundError) return facts;
    throw error;
  }
  const drill = await incidentFacts(store, view);
  const run = `run ${runId}`;
  const entries = view.timeline.entries;
  // incidentFacts keeps the timeline's order and length: entry i is view.timeline.entries[i].
  const added = drill.timeline.filter((_, i) => entries[i].run?.id !== runId && !(entries[i].lever && entries[i].source === run));
  return {
    ...facts,
    severity: drill.severity,
    incident: drill.subject.id,
    timeline: [...facts.timeline, ...added].sort((a, b) => Date.parse(a.at) - Date.parse(b.at)),
    components: drill.components,
    recordedBy: `${facts.recordedBy} and ${drill.recordedBy}`,
  };
}
