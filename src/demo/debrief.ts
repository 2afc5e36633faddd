// The end of a demo GameDay: a COE draft in the run folder (drafted by the code behind `gameday coe new
// --run`, from the run's own record and the drill it opened), and a short debrief — what held, what did
// not, how the drill went, what the draft still asks of people — with where to look. Pure of the console:
// the CLI prints the lines.
import { checkCoeFile } from '../coe/check.js';
import { drillsOf } from '../coe/drill-facts.js';
import { parseIncidentId, ROLE_WORDS, ROLES } from '../incidents/incident.js';
import { Incidents } from '../incidents/incidents.js';
import { FIGURE_WORDS, FIGURES, figuresOf, type ResponseFigures } from '../incidents/response.js';
import { incidentView } from '../incidents/view.js';
import { formatDuration } from '../units/units.js';
import { newCoe } from '../coe/new.js';
import { runSource } from '../coe/run-source.js';
import type { Journal } from '../journal/format.js';
import type { Store } from '../store/engine.js';

export interface CoeDraft {
  file: string;
  /** The COE's id in the store. */
  id: string;
  /** What only people can write, as `gameday coe check` lists it on the fresh draft. */
  openQuestions: string[];
}

/**
 * Drafts the run's COE into its folder as `coe-<run id>.md` (the name `gameday coe new --run` gives it; the
 * name is its id in the store, so each run's draft is its own COE), charts beside it, and registers it.
 * Throws as `gameday coe new` would.
 */
export async function draftRunCoe(store: Store, folder: string): Promise<CoeDraft> {
  const drafted = await newCoe({
    source: runSource,
    reference: folder,
    context: { store: async () => store, storeLocation: 'the run\'s store' },
    registerIn: async () => store,
    cwd: folder,
  });
  const openQuestions = checkCoeFile(drafted.file)
    .filter((finding) => finding.severity === 'error')
    .map((finding) => finding.message);
  return { file: drafted.file, id: drafted.registered.registration.id, openQuestions };
}

/** A drill incident the run opened, as the store has it once the run closed it. */
export interface DrillSummary {
  ref: string;
  title: string;
  severity: string;
  /** `incident commander ines`, … in the order of the Incident Command System. */
  roles: string[];
  facilitator?: string;
  /** Who resolved it (`run 2026…`, or a person who did by hand); undefined while it is open. */
  closedBy?: string;
  figures: ResponseFigures;
  /** What the timeline gathered while the drill was open, by kind: faults, levers, status changes, all. */
  entries: { faults: number; levers: number; statuses: number; all: number };
  /** The incident's page in the control room. */
  url?: string;
}

/** The drills the run's journal says it declared; `incidentsUrl` is the control room's /incidents, if one serves them. */
export async function readDrills(store: Store, journal: Pick<Journal, 'events'>, options: { incidentsUrl?: string; facilitator?: string }): Promise<DrillSummary[]> {
  const incidents = new Incidents(store);
  const drills: DrillSummary[] = [];
  for (const ref of drillsOf(journal)) {
    const { incident, timeline } = await incidentView(incidents, parseIncidentId(ref));
    const during = timeline.entries.filter((e) => !e.beforeDeclaration);
    drills.push({
      ref: incident.ref,
      title: incident.title,
      severity: incident.severity,
      roles: ROLES.flatMap((role) => (incident.roles[role] ? [`${ROLE_WORDS[role]} ${incident.roles[role]}`] : [])),
      facilitator: options.facilitator,
      closedBy: [...during].reverse().find((e) => e.kind === 'resolved')?.source,
      figures: figuresOf(incident),
      entries: {
        faults: during.filter((e) => e.kind.startsWith('fault.')).length,
        levers: during.filter((e) => e.lever).length,
        statuses: during.filter((e) => e.kind === 'status').length,
        all: during.length,
      },
      url: options.incidentsUrl && `${options.incidentsUrl}/${incident.id}`,
    });
  }
  return drills;
}

function drillLines(drill: DrillSummary): string[] {
  const figures = FIGURES.map((figure) => `${FIGURE_WORDS[figure]} ${drill.figures[figure] === null ? 'not yet' : formatDuration(drill.figures[figure]!)}`).join(', ');
  const { faults, levers, statuses, all } = drill.entries;
  return [
    `  drill ${drill.ref} (${drill.severity}, ${drill.closedBy ? `closed by ${drill.closedBy}` : 'still open'}): ${[...(drill.facilitator ? [`facilitator ${drill.facilitator}`] : []), ...drill.roles].join(', ')}`,
    `    response: ${figures} (a drill: left out of the response figures and of uptime)`,
    `    its timeline gathered ${all} entries while it was open: ${faults} fault injections and reversions, ${levers} lever changes, ${statuses} status changes`,
  ];
}

export interface WhereToLook {
  report?: string;
  /** The status page while the world runs (`--keep`), and its copy as the run ended. */
  statusPage?: string;
  statusCopy?: string;
  coe?: CoeDraft;
  /** Why no COE was drafted, in a sentence. */
  coeProblem?: string;
  drills?: DrillSummary[];
}

/** The debrief: what held and what did not (from the journal), the draft's open questions, and where to look. */
export function formatDebrief(journal: Journal, where: WhereToLook): string[] {
  const held = new Map<string, string[]>();
  const missed: string[] = [];
  for (const check of journal.objectives) {
    if (check.phase === 'guardrail') {
      missed.push(`guardrail ${check.name}: expected ${check.expected}, measured ${check.measured}`);
    } else if (check.ok) {
      held.set(check.name, [...(held.get(check.name) ?? []), check.phase]);
    } else {
      missed.push(`${check.name} (${check.phase}): expected ${check.expected}, measured ${check.measured}`);
    }
  }
  const lines = ['debrief:'];
  lines.push(`  held:         ${[...held].map(([name, phases]) => `${name} (${phases.join(', ')})`).join('; ') || 'nothing was checked'}`);
  lines.push(`  did not hold: ${missed.join('; ') || 'nothing'}`);
  for (const drill of where.drills ?? []) lines.push(...drillLines(drill));
  if (where.coe) {
    const shown = where.coe.openQuestions.slice(0, 4).map((question) => `\n                  - ${question}`).join('');
    const more = where.coe.openQuestions.length > 4 ? `\n                  … and ${where.coe.openQuestions.length - 4} more (gameday coe check ${where.coe.file})` : '';
    lines.push(`  open questions for people in the COE draft: ${where.coe.openQuestions.length}${shown}${more}`);
  }
  lines.push('where to look:');
  if (where.report) lines.push(`  report       ${where.report}`);
  if (where.statusPage) lines.push(`  status page  ${where.statusPage}`);
  if (where.statusCopy) lines.push(`  status page  ${where.statusCopy} (as the run ended)`);
  // A page of a world that stopped is gone; the store keeps the incident for the CLI and any control room.
  for (const drill of where.drills ?? []) lines.push(`  incident     ${drill.url ? `${drill.url} (drill ${drill.ref}; ` : `drill ${drill.ref} (`}gameday incident show ${drill.ref})`);
  if (where.coe) lines.push(`  COE draft    ${where.coe.file} (COE ${where.coe.id}; gameday coe show ${where.coe.id})`);
  if (where.coeProblem) lines.push(`  COE draft    not written: ${where.coeProblem}`);
  return lines;
}
