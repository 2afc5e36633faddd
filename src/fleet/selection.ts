import type { InstanceView, Selection } from './declaration.js';

// FIS-style target selection (`count` or `percent`), checked against what exists and against the
// declared blast radius before anything is touched (safety rule 1).

export class SelectionError extends Error {}

/** Number of instances a selection asks for out of `available`; percent rounds up to at least one, as FIS does. */
export function selectionSize(selection: Pick<Selection, 'count' | 'percent'>, available: number): number {
  if (selection.count !== undefined) return selection.count;
  return Math.max(1, Math.ceil(((selection.percent ?? 0) / 100) * available));
}

/**
 * Picks the instances a fault acts on, at random among the candidates (as FIS does), or refuses with a
 * message that says what was asked, what exists and what the blast radius allows.
 */
export function selectInstances(
  candidates: InstanceView[],
  selection: Selection,
  where: string,
  random: () => number = Math.random,
): InstanceView[] {
  const wanted = selectionSize(selection, candidates.length);
  const asked = selection.count !== undefined ? `${selection.count}` : `${selection.percent}% (= ${wanted})`;
  if (candidates.length === 0) {
    throw new SelectionError(`no running instance of ${where} to select from`);
  }
  if (wanted > candidates.length) {
    throw new SelectionError(`selected ${asked} instances of ${where}, but only ${candidates.length} are running`);
  }
  if (selection.maxInstances !== undefined && wanted > selection.maxInstances) {
    throw new SelectionError(
      `selected ${asked} instances of ${where}, more than the blast radius allows (maxInstances: ${selection.maxInstances})`,
    );
  }
  const pool = [...candidates];
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, wanted).sort((a, b) => a.id.localeCompare(b.id));
}
