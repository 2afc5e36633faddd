import { createHash } from 'node:crypto';
import { readFileSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';

// How an action item and a run agree that they mean the same experiment. The item names a file relative to
// its COE (`experiment: ../no-timeouts.yaml`); when the COE is registered that path is resolved to an
// absolute one (symbolic links followed) and the file's content hashed. A run of an experiment matches an
// item when its file resolves to the same path — or, on another machine or checkout where paths differ,
// when its content is byte for byte the same. The hash the run saw is kept with its fact, so a reader can
// tell when the experiment that verified an item is not the one the COE named.

export interface ExperimentIdentity {
  path: string;
  /** SHA-256 of the file's bytes; null when it cannot be read. */
  sha256: string | null;
}

export function experimentIdentity(file: string, base = process.cwd()): ExperimentIdentity {
  const absolute = resolve(base, file);
  let path = absolute;
  try {
    path = realpathSync(absolute);
  } catch {
    // A file that is not there (yet) keeps the path as written; it can still match by path later.
  }
  try {
    return { path, sha256: sha256(readFileSync(path)) };
  } catch {
    return { path, sha256: null };
  }
}

export function sha256(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}
