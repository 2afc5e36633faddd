import type { DrillDeclaration, DrillIncidents, DrillRun } from '../experiment/drill.js';
import type { Store } from '../store/engine.js';
import { IncidentConflictError, IncidentInputError } from './incident.js';
import { Incidents } from './incidents.js';

// The incidents capability's side of a drill step (src/experiment/drill.ts): a drill incident kept like any
// other, marked as a drill, declared by the run with the roles its experiment names, and closed by the run
// when it ends. A drill someone resolved by hand stays resolved; one whose run died is closed by the control
// room (triggers.ts).

export function drillIncidents(store: Store): DrillIncidents {
  const incidents = new Incidents(store);
  return {
    async check(drill: DrillDeclaration): Promise<void> {
      const known = await incidents.componentNames();
      const unknown = drill.components.filter((c) => !known.has(c));
      if (unknown.length === 0) return;
      throw new IncidentInputError(
        known.size === 0
          ? `it names components (${unknown.join(', ')}) and the store ${store.location} has no status page yet (gameday serve --status status.yaml publishes one)`
          : `unknown component${unknown.length > 1 ? 's' : ''} ${unknown.map((c) => `"${c}"`).join(', ')}: the status page has ${[...known.keys()].join(', ')}`,
      );
    },
    async declare(drill: DrillDeclaration, run: DrillRun) {
      const incident = await incidents.declare({
        title: drill.title,
        severity: drill.severity,
        components: drill.components,
        commander: drill.commander,
        operations_lead: drill.operations_lead,
        communications_lead: drill.communications_lead,
        scribe: drill.scribe,
        by: `run ${run.runId}`,
        message: drill.message,
        drillRun: run.runId,
        reason: `a step of the GameDay "${run.experiment}" declared it${drill.facilitator ? `, facilitated by ${drill.facilitator}` : ''}`,
      });
      return { id: incident.id, ref: incident.ref };
    },
    async close(id: number, run: DrillRun & { verdict: string; reason: string }): Promise<void> {
      try {
        await incidents.resolve(id, { by: `run ${run.runId}`, message: `Drill closed: run ${run.runId} ended, ${run.verdict}: ${run.reason}`, kind: 'drill.closed' });
      } catch (error) {
        if (!(error instanceof IncidentConflictError)) throw error;
      }
    },
  };
}
