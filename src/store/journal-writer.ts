import type { EventRecord } from '../journal/events.js';
import { BatchWriter } from './batch-writer.js';
import type { Store } from './engine.js';
import { JournalEventStore } from './journal-events.js';

// Puts a run's journal events into the store as they happen, off the hot path, batched, in order, each
// exactly once (batch-writer.ts says how). journal.json holds every event in any case.

export type { DrainResult } from './batch-writer.js';

export class JournalWriter extends BatchWriter<EventRecord> {
  constructor(store: Store, runId: string, onFailure?: (error: Error, pending: number) => void) {
    const events = new JournalEventStore(store);
    super((firstSeq, batch) => events.append(runId, firstSeq, batch), onFailure);
  }
}
