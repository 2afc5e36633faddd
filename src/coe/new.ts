import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { writeAtomically } from '../report/write-reports.js';
import type { Store } from '../store/engine.js';
import { parseCoe } from './document.js';
import { draftCoe } from './draft.js';
import { CoeSourceError, type CoeFacts, type FactContext, type FactSource } from './facts.js';
import { registerCoeFile, type RegisteredCoe } from './register.js';

// `gameday coe new --run <run>`: read the record, draft the COE, write it and its charts, register it. Every
// check comes before the first write: a record that is not there, or a file in the way (without --force),
// leaves nothing behind. Files are written beside their final names and renamed into place.

export interface NewCoeOptions {
  source: FactSource;
  reference: string;
  context: FactContext;
  /** The store the COE is registered in (created if need be). */
  registerIn(): Promise<Store>;
  /** The COE file; default `coe-<id>.md` in `cwd`. */
  out?: string;
  force?: boolean;
  cwd: string;
  now?: Date;
}

export interface NewCoe {
  file: string;
  charts: string[];
  facts: CoeFacts;
  registered: RegisteredCoe;
}

/** A file the draft would overwrite, without --force: exit 3, nothing written. */
export class CoeOutputError extends Error {}

export async function newCoe(options: NewCoeOptions): Promise<NewCoe> {
  const { facts } = await options.source.read(options.reference, options.context);
  const file = resolve(options.cwd, options.out ?? `coe-${facts.subject.id}.md`);
  if (!/\.(md|markdown)$/i.test(file)) throw new CoeOutputError(`--out ${options.out}: a COE is a Markdown file; name it …md`);
  const stem = basename(file).replace(/\.(md|markdown)$/i, '');
  const draft = draftCoe(facts, { stem, now: options.now ?? new Date(), folder: dirname(file) });
  // The draft is read back as the check will read it: a draft GameDay cannot read is our bug, caught here.
  const doc = parseCoe(draft.markdown, file);
  if (doc.frontMatter.kind !== 'coe') throw new Error('the drafted COE has no COE front matter');
  const targets = [file, ...draft.files.map((f) => join(dirname(file), f.name))];
  const inTheWay = targets.filter((path) => existsSync(path));
  if (inTheWay.length > 0 && !options.force) {
    throw new CoeOutputError(`${inTheWay.join(', ')} ${inTheWay.length === 1 ? 'is' : 'are'} already there; nothing was written (--force overwrites, --out writes elsewhere)`);
  }
  const store = await options.registerIn();
  await mkdir(dirname(file), { recursive: true });
  for (const chart of draft.files) await writeAtomically(join(dirname(file), chart.name), chart.content);
  await writeAtomically(file, draft.markdown);
  const registered = await registerCoeFile(store, file, 'gameday coe new');
  return { file, charts: targets.slice(1), facts, registered };
}

export { CoeSourceError };
