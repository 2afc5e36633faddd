import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openStore } from '../../src/store/database.js';
import { RunStore } from '../../src/store/runs.js';

test('runs and their leases survive in SQLite; a halted run keeps its halted status after it ends', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gameday-runs-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'gameday.db');
  const db = openStore(path);
  const store = new RunStore(db);
  store.recordStart({ id: 'r1', title: 'first', file: 'a.yaml', folder: '/runs/r1', startedAt: '2026-01-01T00:00:00.000Z', pid: 1 });
  store.recordStart({ id: 'r2', title: 'second', file: 'b.yaml', folder: '/runs/r2', startedAt: '2026-01-01T00:01:00.000Z', pid: 2 });
  store.recordLease({ runId: 'r2', controlUrl: 'http://127.0.0.1:1', leaseId: 'L', token: null });
  store.recordEnd('r1', { endedAt: '2026-01-01T00:00:05.000Z', verdict: 'held', exitCode: 0, journal: { runId: 'r1' } });
  store.markHalted('r2');
  store.recordEnd('r2', { endedAt: '2026-01-01T00:01:05.000Z', verdict: 'aborted', exitCode: 2, journal: {} });
  db.close();

  const reopened = openStore(path);
  t.after(() => reopened.close());
  const again = new RunStore(reopened);
  assert.deepEqual(again.recent().map((r) => [r.id, r.verdict, r.exitCode, r.status]), [
    ['r2', 'aborted', 2, 'halted'],
    ['r1', 'held', 0, 'ended'],
  ]);
  assert.deepEqual(again.journal('r1'), { runId: 'r1' });
  assert.deepEqual(again.leasesOf('r2'), [{ runId: 'r2', controlUrl: 'http://127.0.0.1:1', leaseId: 'L', token: null }]);
  assert.deepEqual(again.active(), []);
});
