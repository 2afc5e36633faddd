import type { Command } from 'commander';
import { UPDATE_STATES } from '../incidents/incident.js';
import { SEVERITIES, SEVERITY } from '../incidents/severity.js';
import { collectList, type CommandRegistration } from './command.js';
import { storeOption } from './shared-options.js';
import type { DeclareFlags } from './incident-action.js';

// `gameday incident declare|list|show|role|note|update|resolve`: incident command from the terminal, on the
// store itself — the same rules as the control room's API and pages (src/incidents), so it works with or
// without a control room running. A refusal (no commander, an unknown severity or component, resolving a
// resolved incident) is one line naming what to fix, exit 3, and nothing written.

const SEVERITY_HELP = SEVERITIES.map((s) => `${s} ${SEVERITY[s].name}: ${SEVERITY[s].meaning}`).join('\n');

export const registerIncidentCommand: CommandRegistration = (program: Command) => {
  const incident = program.command('incident').description('Declare and run incidents: ICS roles, status updates, one timeline that fills itself from facts (docs/incidents.md)');
  const verb = (name: string, description: string) => storeOption(incident.command(name).description(description));
  const byOption = (command: Command) => command.option('--by <name>', 'who you are, on the record (default: $USER@hostname)');

  byOption(
    verb('declare', `Declare an incident; you command it unless --commander names someone.\n\nSeverities:\n${SEVERITY_HELP}`)
      .argument('<title>', 'what is wrong, in a few words')
      .requiredOption('--severity <SEVn>', `one of ${SEVERITIES.join(', ')}`)
      .option('--component <id>', 'an affected component of the status page (repeatable)', collectList, [])
      .option('--commander <name>', 'the incident commander (when not given: who declares, --by)')
      .option('--ops <name>', 'the operations lead')
      .option('--comms <name>', 'the communications lead')
      .option('--scribe <name>', 'the scribe')
      .option('--message <text>', 'the first status update (default: the title)')
      .option('--started <time>', 'when the trouble began: an ISO time, or a duration ago (20m)')
      .option('--detected <time>', 'when it was noticed: an ISO time, or a duration ago')
      .option('--lookback <duration>', 'how far before the declaration the timeline looks for what changed', '30m')
      .option('--update-every <duration>', "the rhythm of status updates (default: the severity's)")
      .option('--drill', 'a drill by hand (a tabletop exercise): kept out of uptime and response figures'),
  ).action(async (title: string, flags: DeclareFlags) => (await import('./incident-action.js')).declare(title, flags));

  verb('list', 'List open incidents (an overdue status update is said), then resolved ones; --stats: response figures')
    .option('--all', 'every resolved incident, not only the last 10')
    .option('--stats', 'time to detect, declare, mitigate and resolve, per incident and over time (drills left out)')
    .option('--per <period>', 'with --stats: month or week', 'month')
    .option('--json', 'print JSON')
    .action(async (flags: { all?: boolean; stats?: boolean; per: string; json?: boolean; store?: string }) => (await import('./incident-action.js')).list(flags));

  verb('show', 'Show an incident: roles, moments, whether a status update is overdue, what changed before it, and its timeline')
    .argument('<id>', 'the incident (7 or INC-7)')
    .option('--json', 'print JSON (what GET /api/incidents/<id> gives)')
    .action(async (id: string, flags: { json?: boolean; store?: string }) => (await import('./incident-action.js')).show(id, flags));

  byOption(verb('role', 'Hand a role over (incident commander, operations lead, communications lead, scribe); it lands on the timeline'))
    .argument('<id>', 'the incident')
    .argument('<role>', 'commander (ic), operations-lead (ops), communications-lead (comms) or scribe')
    .argument('<person>', 'who takes it (free text: alice, alice@shop)')
    .action(async (id: string, role: string, person: string, flags: { by?: string; store?: string }) => (await import('./incident-action.js')).role(id, role, person, flags));

  byOption(verb('note', 'Add a note (or a decision) to the timeline; also after the resolution'))
    .argument('<id>', 'the incident')
    .argument('<text>', 'the note')
    .option('--decision', 'a decision, not a note')
    .action(async (id: string, text: string, flags: { by?: string; decision?: boolean; store?: string }) => (await import('./incident-action.js')).note(id, text, flags));

  byOption(verb('update', 'Post a status update (to the status page and its feeds), optionally with a new state or severity'))
    .argument('<id>', 'the incident')
    .argument('<message>', 'what users should know')
    .option('--state <state>', UPDATE_STATES.join(', '))
    .option('--severity <SEVn>', 'a new severity (its rhythm of updates comes with it)')
    .action(async (id: string, message: string, flags: { by?: string; state?: string; severity?: string; store?: string }) => (await import('./incident-action.js')).update(id, message, flags));

  byOption(verb('resolve', 'Resolve an incident (its final status update); refused if it already is'))
    .argument('<id>', 'the incident')
    .argument('[message]', 'the final status update', 'Resolved.')
    .action(async (id: string, message: string, flags: { by?: string; store?: string }) => (await import('./incident-action.js')).resolve(id, message, flags));
};
