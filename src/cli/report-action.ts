import { JournalFileError } from '../journal/journal-file.js';
import { writeReports } from '../report/write-reports.js';
import { isRunPath, runJournalFromPath, runJournalFromStore, type RunJournal } from '../store/run-journal.js';
import { ExitCode } from './command.js';
import { describeLocation } from '../store/location.js';
import { withStore } from './store-option.js';

/** The action of `gameday report`, loaded when it runs (the verb's definition is in report-command.ts). */
export async function runReport(run: string, flags: { out?: string; store?: string }): Promise<void> {
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
}
