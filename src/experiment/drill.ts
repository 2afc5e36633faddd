import { z } from 'zod';
import { SEVERITIES } from '../incidents/severity.js';

// A GameDay that practises the response, not only the system: a step `incident: { declare: … }` opens a
// drill incident with the roles the experiment names, and the run closes it when it ends. The engine only
// calls this small interface; the incidents capability implements it on the store (src/incidents/drills.ts),
// so the method knows nothing of how incidents are kept.

const person = z.string().trim().min(1).max(200);

export const drillDeclarationSchema = z
  .object({
    title: z.string().trim().min(1).max(200).meta({ description: 'What the drill pretends is wrong, in a few words' }),
    severity: z.enum(SEVERITIES).meta({ description: 'SEV1 to SEV4, as for a real incident (docs/incidents.md says what each means)' }),
    components: z.array(z.string().min(1)).default([]).meta({ description: 'Components of the status page the drill affects (their ids in status.yaml); kept out of their uptime' }),
    message: z.string().trim().min(1).max(4000).optional().meta({ description: 'The first status update (default: the title)' }),
    commander: person.meta({ description: 'The incident commander of the drill' }),
    operations_lead: person.optional(),
    communications_lead: person.optional(),
    scribe: person.optional(),
    facilitator: person.optional().meta({ description: 'Who runs the GameDay (starts it, watches the guardrails, ends it); not a role of the incident, named on its declaration' }),
  })
  .strict();

export const incidentStepSchema = z
  .object({ declare: drillDeclarationSchema.meta({ description: 'Open a drill incident: marked as a drill everywhere, closed when the run ends' }) })
  .strict();

export type DrillDeclaration = z.output<typeof drillDeclarationSchema>;

export interface DrillRun {
  runId: string;
  experiment: string;
}

export interface DrillIncidents {
  /** Refuses (throws, with what to fix) a drill that could not be opened — an unknown component — before anything is touched. */
  check(drill: DrillDeclaration): Promise<void>;
  /** Opens the drill incident; returns how people name it (INC-7). */
  declare(drill: DrillDeclaration, run: DrillRun): Promise<{ id: number; ref: string }>;
  /** Closes it at the end of the run (or does nothing if someone resolved it by hand). */
  close(id: number, run: DrillRun & { verdict: string; reason: string }): Promise<void>;
}

/** People named for a drill's roles from elsewhere than the file (`gameday demo --commander …`); unnamed roles keep the file's names. */
export type DrillPeople = Partial<Pick<DrillDeclaration, 'facilitator' | 'commander' | 'operations_lead' | 'communications_lead' | 'scribe'>>;

/** The same declaration with `people` in the roles they name (the people are checked as the file's are). */
export function withDrillPeople(drill: DrillDeclaration, people: DrillPeople): DrillDeclaration {
  const named = Object.fromEntries(Object.entries(people).filter(([, name]) => name !== undefined));
  return drillDeclarationSchema.parse({ ...drill, ...named });
}
