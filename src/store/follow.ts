import type { Channel, Store } from './engine.js';
import { RunStore } from './runs.js';

// Following what a live run writes into the store (its journal events, its SLI samples): read everything
// after the last seq seen, in pages, woken by the store's notifications, until the run has recorded its
// end and nothing is left. A run drains what it gathered into the store before it records its end, so
// "ended and empty" means done.

export interface FollowOptions {
  /** The last seq already seen (0: from the start). */
  after?: number;
  signal?: AbortSignal;
  /** Only the fallback for a notification that was lost. */
  pollMs?: number;
}

export async function* followRun<T extends { seq: number }>(
  store: Store,
  channel: Channel,
  runId: string,
  read: (after: number, limit?: number) => Promise<T[]>,
  options: FollowOptions = {},
): AsyncGenerator<T[]> {
  let after = options.after ?? 0;
  let dirty = true;
  let wake: (() => void) | undefined;
  const unsubscribe = await store.subscribe(channel, (payload) => {
    if (payload !== undefined && payload !== runId) return;
    dirty = true;
    wake?.();
  });
  const onAbort = () => wake?.();
  options.signal?.addEventListener('abort', onAbort);
  const runs = new RunStore(store);
  try {
    while (!options.signal?.aborted) {
      dirty = false;
      const page = await read(after);
      if (page.length > 0) {
        after = page.at(-1)!.seq;
        yield page;
        continue;
      }
      if ((await runs.get(runId))?.endedAt && (await read(after, 1)).length === 0) return;
      if (dirty) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.pollMs ?? 1000);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await unsubscribe();
  }
}
