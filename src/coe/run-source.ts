import { JournalFileError } from '../journal/journal-file.js';
import { isRunPath, runJournalFromPath, runJournalFromStore } from '../store/run-journal.js';
import { CoeSourceError, type FactSource } from './facts.js';
import { drillsOf, withDrill } from './drill-facts.js';
import { runFacts } from './run-facts.js';

// `gameday coe new --run <run>`: a run id from the store, a run folder, or a journal.json, read the way
// `gameday report` reads them. The draft goes into the run folder by default only when asked; see new.ts.
// A drill incident the run opened joins its facts (drill-facts.ts) when the store has it.

export const runSource: FactSource = {
  option: 'run',
  async read(reference, context) {
    try {
      const found = isRunPath(reference) ? runJournalFromPath(reference) : await runJournalFromStore(reference, await context.store(), context.storeLocation);
      let facts = runFacts(found.journal);
      const drills = drillsOf(found.journal);
      const store = drills.length > 0 ? await context.store() : undefined;
      if (store) for (const ref of drills) facts = await withDrill(facts, found.journal.runId, ref, store);
      return { facts, folder: found.folder };
    } catch (error) {
      if (error instanceof JournalFileError) throw new CoeSourceError(error.message, { cause: error });
      throw error;
    }
  },
};
