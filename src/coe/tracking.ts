import type { Store } from '../store/engine.js';
import { CoeStore, type ActionFact, type StoredItem } from './coe-store.js';

// What `gameday coe actions` and the control room's COE pages show: every action item of every registered
// COE with its state now. The state a file gives an item is what people say; a run of the experiment the
// item names is what the system did. So once a run has spoken, the latest run decides — verified when it
// held, reopened when it did not — and an edit to the file cannot close an item a run reopened: only a run
// that holds can.

export type ItemState = 'open' | 'in-progress' | 'done' | 'wont-do' | 'verified' | 'reopened';

const OPEN_STATES: ReadonlySet<ItemState> = new Set(['open', 'in-progress', 'reopened']);

export interface TrackedItem extends StoredItem {
  state: ItemState;
  /** What the COE file says (absent: not said, read as open). */
  fileState?: string;
  open: boolean;
  /** Open with a due date before today. */
  overdue: boolean;
  /** The latest run's fact about the item, if a run has spoken. */
  lastFact?: ActionFact;
  /** The experiment the latest run ran is not byte for byte the one the COE named when it was registered. */
  experimentChanged: boolean;
}

export function trackItem(item: StoredItem, facts: readonly ActionFact[], today: string): TrackedItem {
  const lastFact = facts.filter((f) => f.coeId === item.coeId && f.itemId === item.id).at(-1);
  const state: ItemState = lastFact ? lastFact.fact : ((item.state as ItemState | undefined) ?? 'open');
  const open = OPEN_STATES.has(state);
  return {
    ...item,
    state,
    fileState: item.state,
    open,
    overdue: open && item.due !== undefined && item.due < today,
    ...(lastFact ? { lastFact } : {}),
    experimentChanged: lastFact !== undefined && lastFact.experimentSha256 !== null && item.experimentSha256 !== undefined && lastFact.experimentSha256 !== item.experimentSha256,
  };
}

export interface ItemFilter {
  owner?: string;
  overdue?: boolean;
  /** Also closed items (done, won't do, verified). */
  all?: boolean;
  coeId?: string;
}

/** The items by owner (items without one last), then due date; one COE's items (`coeId`) in file order. */
export async function trackedItems(store: Store, filter: ItemFilter = {}, now = new Date()): Promise<TrackedItem[]> {
  const coes = new CoeStore(store);
  const [items, facts] = await Promise.all([coes.items(), coes.facts(filter.coeId)]);
  const today = now.toISOString().slice(0, 10);
  const owner = filter.owner?.trim().toLowerCase();
  return items
    .filter((item) => filter.coeId === undefined || item.coeId === filter.coeId)
    .map((item) => trackItem(item, facts, today))
    .filter((item) => (filter.all || item.open) && (!filter.overdue || item.overdue) && (owner === undefined || item.owner?.toLowerCase() === owner))
    .sort((a, b) => (filter.coeId !== undefined ? 0 : byOwner(a, b) || (a.due ?? '9999').localeCompare(b.due ?? '9999')));
}

function byOwner(a: TrackedItem, b: TrackedItem): number {
  if (a.owner === b.owner) return 0;
  if (a.owner === undefined) return 1;
  if (b.owner === undefined) return -1;
  return a.owner.localeCompare(b.owner);
}

/** One line about an item's state, for the terminal and the pages: "verified by run 2026… (held) on …". */
export function describeState(item: TrackedItem): string {
  const fact = item.lastFact;
  if (!fact) return item.overdue ? `${item.state}, overdue (due ${item.due})` : item.state;
  const by = `${fact.fact} by run ${fact.runId} (${fact.verdict}) at ${fact.at.slice(0, 16).replace('T', ' ')} UTC`;
  const changed = item.experimentChanged ? '; that run\'s experiment file differs from the one the COE named' : '';
  return `${by}${item.overdue ? `; overdue (due ${item.due})` : ''}${changed}`;
}
