// The end of a demo GameDay: a COE draft in the run folder (drafted by the code behind `gameday coe new
// --run`, from the run's own record), and a short debrief — what held, what did not, what the draft still
// asks of people — with where to look. Pure of the console: the CLI prints the lines.
import { checkCoeFile } from '../coe/check.js';
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

export interface WhereToLook {
  report?: string;
  /** The status page while the world runs (`--keep`), and its copy as the run ended. */
  statusPage?: string;
  statusCopy?: string;
  coe?: CoeDraft;
  /** Why no COE was drafted, in a sentence. */
  coeProblem?: string;
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
  if (where.coe) {
    const shown = where.coe.openQuestions.slice(0, 4).map((question) => `\n                  - ${question}`).join('');
    const more = where.coe.openQuestions.length > 4 ? `\n                  … and ${where.coe.openQuestions.length - 4} more (gameday coe check ${where.coe.file})` : '';
    lines.push(`  open questions for people in the COE draft: ${where.coe.openQuestions.length}${shown}${more}`);
  }
  // The drill incident (issue 16 part 1: roles, its timeline, the response figures) joins the debrief
  // and the list below once incidents are in the control room.
  lines.push('where to look:');
  if (where.report) lines.push(`  report       ${where.report}`);
  if (where.statusPage) lines.push(`  status page  ${where.statusPage}`);
  if (where.statusCopy) lines.push(`  status page  ${where.statusCopy} (as the run ended)`);
  if (where.coe) lines.push(`  COE draft    ${where.coe.file} (COE ${where.coe.id}; gameday coe show ${where.coe.id})`);
  if (where.coeProblem) lines.push(`  COE draft    not written: ${where.coeProblem}`);
  return lines;
}
