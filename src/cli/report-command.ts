// `gameday report <journal.json | run folder | run id>`: renders report.html and report.md again from a
// run's journal — after upgrading GameDay, for a journal copied from a CI job, or into another folder with
// --out. It reads only the journal: a report never asks anything the journal does not say.
import type { Command } from 'commander';
import type { CommandRegistration } from './command.js';
import { storeOption } from './shared-options.js';

export const registerReport: CommandRegistration = (program: Command) => {
  storeOption(
    program
      .command('report')
      .description("Render a run's report.html and report.md again from its journal")
      .argument('<run>', 'a journal.json, a run folder, or a run id from `gameday runs`')
      .option('-o, --out <dir>', 'write the reports into this folder (default: the run folder)'),
  ).action(async (run: string, flags: { out?: string; store?: string }) => (await import('./report-action.js')).runReport(run, flags));
};
