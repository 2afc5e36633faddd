// A run's journal lives in the store as it happens: another process follows a real `gameday run` (a child
// process, with the real fault proxy and load) through the store alone, on SQLite and on PostgreSQL, and
// sees every journal event in order, nothing missing, nothing twice — the same events journal.json has.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { openStore } from '../../src/store/database.js';
import { JournalEventStore, type StoredJournalEvent } from '../../src/store/journal-events.js';
import { RunStore } from '../../src/store/runs.js';
import { startPostgres, type PostgresServer } from '../store/postgres-server.js';
import { journalOf, proxyExperiment, spawnGameday, startProxyProcess, startService, tempHome, waitFor, type ProxyProcess, type Service } from './world.js';

let service: Service;
let proxy: ProxyProcess;
let home: ReturnType<typeof tempHome>;
let postgres: PostgresServer;

before(async () => {
  service = await startService();
  proxy = await startProxyProcess(service.url);
  home = tempHome();
  postgres = await startPostgres();
});

after(async () => {
  await proxy?.close();
  await service?.close();
  await postgres?.stop();
  home?.remove();
});

const engines: Array<[string, () => Promise<string>]> = [
  ['sqlite', async () => join(home.dir, 'live.db')],
  ['postgres', () => postgres.createDatabase()],
];

for (const [engine, location] of engines) {
  test(`${engine}: another process follows a running gameday run through the store and sees every journal event once, in order`, async (t) => {
    const store = await location();
    const file = home.write(`live-${engine}.yaml`, proxyExperiment(proxy, `method:
  - wait: 1s
  - fault: { kind: latency, target: svc, latency: 20ms, duration: 1500ms }
  - wait: 1s
  - fault: { kind: latency, target: svc, latency: 10ms, duration: 1s }
`, `live journal on ${engine}`));
    const run = spawnGameday(['run', file, '--store', store], home.dir);
    t.after(() => void run.child.kill('SIGKILL'));
    let exited = false;
    void run.done.then(() => (exited = true));

    const db = await openStore(store);
    t.after(() => db.close());
    const runs = new RunStore(db);
    let runId = '';
    await waitFor('the run to be recorded in the store', async () => ((runId = (await runs.active())[0]?.id ?? ''), runId !== ''), 20_000);
    const seen: StoredJournalEvent[] = [];
    const seenWhileRunning = new Set<string>();
    for await (const page of new JournalEventStore(db).follow(runId)) {
      seen.push(...page);
      if (!exited) for (const event of page) seenWhileRunning.add(event.type);
    }
    const result = await run.done;
    assert.equal(result.code, 0, result.stderr + result.stdout);

    const journal = journalOf(result.stdout);
    assert.equal(journal.runId, runId);
    assert.deepEqual(
      seen.map((event) => event.seq),
      journal.events.map((_, index) => index + 1),
      'sequence numbers 1 … n, none missing, none twice',
    );
    assert.deepEqual(
      seen.map(({ seq: _, ...event }) => event),
      journal.events,
      'the store has exactly the events of journal.json',
    );
    assert.ok(seenWhileRunning.has('fault.injected') && seenWhileRunning.has('fault.reverted'), `events arrived while the run was going: ${[...seenWhileRunning].join(' ')}`);
    assert.equal(journal.events.at(-1)!.type, 'verdict');
  });
}
