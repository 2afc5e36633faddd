// `gameday report <journal.json | run folder | run id>`: renders report.html and report.md again from a
// run's journal — after upgrading GameDay, for a journal copied from a CI job, or into another folder with
// --out. It reads only the journal: a report never asks anything the journal does not say.
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { JournalFileError, loadJournalFile, parseJournal } from '../journal/journal-file.js';
import { writeReports } from '../report/write-reports.js';
import type { LoadedJournal } from '../journal/format.js';
import { openStore } from '../store/database.js';
import { storeFilePath } from '../store/home.js';
import { RunStore } from '../store/runs.js';
import { ExitCode, type CommandRegistration } from './command.js';

interface Source {
  journal: LoadedJournal;
  /** Where the journal came from, for messages. */
  from: string;
  /** The run folder the reports belong in when --out is not given. */
  folder: string;
}

export const registerReport: CommandRegistration = (program: Command) => {
  program
    .command('report')
    .description("Render a run's report.html and report.md again from its journal")
    .argument('<run>', 'a journal.json, a run folder, or a run id from `gameday runs`')
    .option('-o, --out <dir>', 'write the reports into this folder (default: the run folder)')
    .action(async (run: string, flags: { out?: string }) => {
      let source: Source;
      try {
        source = findJournal(run);
      } catch (error) {
        if (!(error instanceof JournalFileError)) throw error;
        process.stderr.write(`${error.message}\n`);
        process.exitCode = ExitCode.invalid;
        return;
      }
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

/** A file is a journal; a folder holds journal.json; anything else is looked up as a run id in the store. */
function findJournal(run: string): Source {
  if (existsSync(run)) {
    const file = statSync(run).isDirectory() ? join(run, 'journal.json') : run;
    return { journal: loadJournalFile(file), from: file, folder: dirname(file) };
  }
  const path = storeFilePath();
  const notFound = new JournalFileError([
    { file: run, line: 0, column: 0, path: '', message: `no file, folder or run id "${run}" (run ids are listed by \`gameday runs\`; store: ${path})` },
  ]);
  // A mistyped path must not create a store as a side effect.
  if (!existsSync(path)) throw notFound;
  const db = openStore(path);
  try {
    const runs = new RunStore(db);
    const record = runs.get(run);
    if (!record) throw notFound;
    const file = join(record.folder, 'journal.json');
    if (existsSync(file)) return { journal: loadJournalFile(file), from: file, folder: record.folder };
    // The run folder was deleted (or the run never finished writing it): the store keeps a copy of the journal.
    const stored = runs.journal(run);
    const label = `store ${path}, run ${run}`;
    if (stored === undefined) {
      throw new JournalFileError([{ file: run, line: 0, column: 0, path: '', message: `run ${run} recorded no journal (it did not finish; see \`gameday runs\`)` }]);
    }
    return { journal: parseJournal(JSON.stringify(stored, null, 2), label), from: label, folder: record.folder };
  } finally {
    db.close();
  }
}
