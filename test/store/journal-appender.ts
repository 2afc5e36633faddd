// A writer for the kill -9 test: records run `argv[3]` in the store `argv[2]`, then appends journal events
// in small batches as fast as it can, printing "committed <seq>" once each batch's transaction returned.
// The test kills it with SIGKILL mid-stream and checks that every committed event is in the store.
import { openStore } from '../../src/store/database.js';
import { JournalEventStore } from '../../src/store/journal-events.js';
import { RunStore } from '../../src/store/runs.js';

const [, , location, runId] = process.argv;
const store = await openStore(location);
await new RunStore(store).recordStart({ id: runId, title: 'kill -9 writer', file: 'kill.yaml', folder: '/tmp/kill', startedAt: new Date().toISOString(), pid: process.pid });
const events = new JournalEventStore(store);
process.stdout.write('ready\n');
for (let seq = 1; ; seq += 5) {
  const batch = Array.from({ length: 5 }, (_, i) => ({ atMs: seq + i, at: new Date().toISOString(), type: 'probe', message: `event ${seq + i}`, data: { n: seq + i } }));
  await events.append(runId, seq, batch);
  process.stdout.write(`committed ${seq + 4}\n`);
}
