import { realpathSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { readUserFile } from '../config/structured-file.js';
import type { Store } from '../store/engine.js';
import { CoeStore, type CoeCopy, type IndexedItem, type Registration } from './coe-store.js';
import { parseCoe, type CoeDocument } from './document.js';
import { CoeFileError } from './front-matter-file.js';
import { experimentIdentity, sha256 } from './identity.js';

// Registering a COE file: its text is copied into the store (a new version when it changed) and its action
// items are indexed with the experiments they name, resolved against the COE's folder. `gameday coe new`
// registers the draft it writes; `gameday coe add <file>` registers a COE written by hand, and re-reads one
// that changed. Only a COE is registered: a file without `kind: coe` front matter is refused (exit 3).

export interface RegisteredCoe {
  registration: Registration;
  copy: CoeCopy;
  doc: CoeDocument;
  /** Things worth saying that do not stop the registration (an experiment file that is not there). */
  warnings: string[];
}

export async function registerCoeFile(store: Store, file: string, by: string): Promise<RegisteredCoe> {
  const text = readUserFile(file, CoeFileError);
  const doc = parseCoe(text, file);
  if (doc.frontMatter.kind !== 'coe') {
    throw new CoeFileError([{ file, line: 1, column: 1, path: '', message: 'not a COE: it has no `kind: coe` front matter, so it has no action items to track (see `gameday schema --coe`)' }]);
  }
  const path = realpathSync(resolve(file));
  const warnings: string[] = [];
  const items = doc.frontMatter.value.actions.map((item): IndexedItem => {
    const indexed: IndexedItem = { id: item.id, action: item.action, owner: item.owner, due: item.due, kind: item.kind, state: item.state, ticket: item.ticket };
    if (item.experiment) {
      const identity = experimentIdentity(item.experiment, dirname(path));
      Object.assign(indexed, { experiment: item.experiment, experimentPath: identity.path, experimentSha256: identity.sha256 ?? undefined });
      if (identity.sha256 === null) warnings.push(`action item ${item.id} names the experiment ${item.experiment}, which is not there (${identity.path}); a run of that path will still verify it`);
    }
    return indexed;
  });
  const copy: CoeCopy = { path, title: doc.frontMatter.value.title, text, sha256: sha256(text), items, by };
  const registration = await new CoeStore(store).register(copy);
  return { registration, copy, doc, warnings };
}
