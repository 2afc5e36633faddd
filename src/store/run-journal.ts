import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { JournalFileError, loadJournalFile, parseJournal } from '../journal/journal-file.js';
import type { LoadedJournal } from '../journal/format.js';
import type { Store } from './engine.js';
import { RunStore } from './runs.js';

// A run's journal wherever the user points at it: a journal.json, a run folder, or a run id in the store
// (its folder's journal.json, else the copy the store keeps when the folder is gone). `gameday report`
// and `gameday coe new --run` read runs this way. Not found, or unreadable: JournalFileError (exit 3).

export interface RunJournal {
  journal: LoadedJournal;
  /** Where the journal came from, for messages. */
  from: string;
  /** The run folder: where files that belong to the run go by default. */
  folder: string;
}

/** True when `run` names a file or folder rather than a run id. */
export const isRunPath = (run: string): boolean => existsSync(run);

/** A file is a journal; a folder holds journal.json. */
export function runJournalFromPath(run: string): RunJournal {
  const file = statSync(run).isDirectory() ? join(run, 'journal.json') : run;
  return { journal: loadJournalFile(file), from: file, folder: dirname(file) };
}

/** Anything else is looked up as a run id in the store (`db` undefined: there is no store yet). */
export async function runJournalFromStore(run: string, db: Store | undefined, where: string): Promise<RunJournal> {
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
