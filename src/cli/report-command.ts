// `gameday report <journal.json | run folder | run id>`: renders report.html and report.md again from a
// run's journal — after upgrading GameDay, for a journal copied from a CI job, or into another folder with
// --out. It reads only the journal: a report never asks anything the journal does not say.
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { JournalFileError, loadJournalFile, parseJournal } from '../journal/journal-file.js';
import { writeReports } from '../report/write-reports.js';
import type { LoadedJournal } from '../journal/format.js';
import type { Store } from '../store/engine.js';
import { RunStore } from '../store/runs.js';
import { ExitCode, type CommandRegistration } from './command.js';
import { describeLocation, storeOption, withStore } from './store-option.js';

interface Source {
  journal: LoadedJournal;
  /** Where the journal came from, for messages. */
  from: string;
  /** The run folder the reports belong in when --out is not given. */
  folder: string;
}

export const registerReport: CommandRegistration = (program: Command) => {
  storeOption(
    program
      .command('report')
      .description("Render a run's report.html and report.md again from its journal")
      .argument('<run>', 'a journal.json, a run folder, or a run id from `gameday runs`')
      .option('-o, --out <dir>', 'write the reports into this folder (default: the run folder)'),
  ).action(async (run: string, flags: { out?: string; store?: string }) => {
      let found: Source | undefined;
      try {
        found = existsSync(run)
          ? fromFile(run)
          : // A mistyped path must not create a store as a side effect.
            await withStore('report', flags.store, (db, location) => fromStore(run, db, describeLocation(location)), { ifExists: true });
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

/** A file is a journal; a folder holds journal.json. */
function fromFile(run: string): Source {
  const file = statSync(run).isDirectory() ? join(run, 'journal.json') : run;
  return { journal: loadJournalFile(file), from: file, folder: dirname(file) };
}

/** Anything else is looked up as a run id in the store (undefined when there is no store yet). */
async function fromStore(run: string, db: Store | undefined, where: string): Promise<Source> {
  const notFound = new JournalFileError([
    { file: run, line: 0, column: 0, path: '', message: `no file, folder or run id "${run}" (run ids are listed by \`gameday runs\`; store: ${where})` },
  ]);
  if (!db) throw notFound;
  const runs = new RunStore(db);
  const record = await runs.get(run);
  if (!record) throw notFound;
  const file = join(record.folder, 'journal.json');
  if (existsSync(file)) return { journal: loadJournalFile(file), from: file, folder: record.folder };
  // The run folder was deleted (or is on another machine): the store keeps a copy of the journal.
  const stored = await runs.journal(run);
  const label = `store ${where}, run ${run}`;
  if (stored === undefined) {
    throw new JournalFileError([{ file: run, line: 0, column: 0, path: '', message: `run ${run} recorded no journal (it did not finish; see \`gameday runs\`)` }]);
  }
  return { journal: parseJournal(JSON.stringify(stored, null, 2), label), from: label, folder: record.folder };
}
