// `gameday report <journal.json | run folder | run id>`: renders report.html and report.md again from a
// run's journal — after upgrading GameDay, for a journal copied from a CI job, or into another folder with
// --out. It reads only the journal: a report never asks anything the journal does not say.
import type { Command } from 'commander';
import { JournalFileError } from '../journal/journal-file.js';
import { writeReports } from '../report/write-reports.js';
import { isRunPath, runJournalFromPath, runJournalFromStore, type RunJournal } from '../store/run-journal.js';
import { ExitCode, type CommandRegistration } from './command.js';
import { describeLocation, storeOption, withStore } from './store-option.js';

export const registerReport: CommandRegistration = (program: Command) => {
  storeOption(
    program
      .command('report')
      .description("Render a run's report.html and report.md again from its journal")
      .argument('<run>', 'a journal.json, a run folder, or a run id from `gameday runs`')
      .option('-o, --out <dir>', 'write the reports into this folder (default: the run folder)'),
  ).action(async (run: string, flags: { out?: string; store?: string }) => {
      let found: RunJournal | undefined;
      try {
        found = isRunPath(run)
          ? runJournalFromPath(run)
          : // A mistyped path must not create a store as a side effect.
            await withStore('report', flags.store, (db, location) => runJournalFromStore(run, db, describeLocation(location)), { ifExists: true });
      } catch (error) {
        if (!(error instanceof JournalFileError)) throw error;
        process.stderr.write(`${error.message}\n`);
        process.exitCode = ExitCode.invalid;
        return;
      }
      if (!found) return;
      const source = found;
      const { journal } = source;
      const folder = flags.out ?? source.folder;
      let written: { html: string; md: string };
      try {
        written = await writeReports(journal, folder);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (!code || !['ENOTDIR', 'EACCES', 'EPERM', 'EEXIST', 'EROFS', 'ENOENT', 'EISDIR'].includes(code)) throw error;
        process.stderr.write(`gameday report: cannot write the reports into ${folder}: ${code === 'ENOTDIR' || code === 'EEXIST' ? 'a file is in the way' : code}\n`);
        process.exitCode = ExitCode.invalid;
        return;
      }
      process.stdout.write(
        `run ${journal.runId} "${journal.experiment.title}" (${source.from}): ${journal.verdict.toUpperCase()} (exit ${journal.exitCode}) — ${journal.verdictReason}\n` +
          `report: ${written.html}\nreport: ${written.md}\n`,
      );
    });
};
