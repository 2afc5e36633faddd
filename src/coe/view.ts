import { readFileSync, realpathSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { readUserFile } from '../config/structured-file.js';
import type { Store } from '../store/engine.js';
import { checkCoe } from './check.js';
import { CoeStore } from './coe-store.js';
import { parseCoe } from './document.js';
import { CoeFileError } from './front-matter-file.js';
import type { CoeView } from './render.js';
import { trackedItems } from './tracking.js';

// The view model of one COE — its text, what the check finds, its action items as tracked — from a file
// on disk or from the copy in the store. Images are read only from the COE's own folder and below.

export async function coeViewOfFile(file: string, store?: Store): Promise<CoeView> {
  const text = readUserFile(file, CoeFileError);
  let registeredId: string | undefined;
  if (store) registeredId = (await new CoeStore(store).byPath(realpathSync(resolve(file))))?.id;
  return viewOf(file, text, dirname(resolve(file)), store && registeredId ? await trackedItems(store, { coeId: registeredId, all: true }) : undefined);
}

/** The latest registered version of COE `id`; undefined when there is none. */
export async function coeViewOfStored(store: Store, id: string): Promise<CoeView | undefined> {
  const coe = await new CoeStore(store).get(id);
  if (!coe) return undefined;
  return viewOf(coe.id, coe.text, dirname(coe.path), await trackedItems(store, { coeId: id, all: true }), coe.path);
}

function viewOf(label: string, text: string, folder: string, items: CoeView['items'], file = label): CoeView {
  const doc = parseCoe(text, file);
  return {
    label,
    text,
    frontMatter: doc.frontMatter.kind === 'coe' ? doc.frontMatter.value : undefined,
    findings: checkCoe(doc),
    items,
    image: (src) => {
      const path = resolve(folder, decodeURIComponent(src));
      if (!path.startsWith(folder + sep)) return undefined;
      try {
        return readFileSync(path, 'utf8');
      } catch {
        return undefined;
      }
    },
  };
}
