// The COE repository on every engine (coe-store-sqlite.test.ts, coe-store-postgres.test.ts): copies of COE
// files appended as versions, the action-item index that follows the latest version, facts from runs
// appended once, and the state derived from them — the same on the embedded file and on PostgreSQL.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CoeStore, type CoeCopy } from '../../src/coe/coe-store.js';
import { trackedItems } from '../../src/coe/tracking.js';
import { openStore } from '../../src/store/database.js';
import type { Store } from '../../src/store/engine.js';

const copy = (path: string, text: string, items: CoeCopy['items']): CoeCopy => ({ path, title: `COE of ${path}`, text, sha256: `sha-${text}`, items, by: 'test' });

export function coeStoreSuite(engine: 'sqlite' | 'postgres', fresh: () => Promise<string>): void {
  const opened = async (t: { after(fn: () => unknown): void }): Promise<Store> => {
    const store = await openStore(await fresh());
    t.after(() => store.close());
    return store;
  };

  test(`${engine}: a COE is registered once per path, each changed text is a new version, and its items follow the latest`, async (t) => {
    const coes = new CoeStore(await opened(t));
    const a1 = { id: 'A1', action: 'Add timeouts', owner: 'shop team', due: '2026-12-11', kind: 'prevent', state: 'open', experiment: '../x.yaml', experimentPath: '/exp/x.yaml', experimentSha256: 'x1' };
    const a2 = { id: 'A2', action: 'Page on the SLI', owner: 'obs team' };
    assert.deepEqual(await coes.register(copy('/r/no-timeouts.md', 'v1', [a1, a2])), { id: 'no-timeouts', outcome: 'new' });
    assert.deepEqual(await coes.register(copy('/r/no-timeouts.md', 'v1', [a1, a2])), { id: 'no-timeouts', outcome: 'unchanged' });
    assert.deepEqual(await coes.register(copy('/other/No Timeouts.md', 'w', [])), { id: 'no-timeouts-2', outcome: 'new' }, 'another file of the same name gets its own id');
    assert.deepEqual(await coes.register(copy('/r/no-timeouts.md', 'v2', [a1])), { id: 'no-timeouts', outcome: 'changed' });
    const listed = await coes.list();
    assert.deepEqual(listed.map((c) => [c.id, c.versions]).sort(), [['no-timeouts', 2], ['no-timeouts-2', 1]]);
    assert.equal((await coes.get('no-timeouts'))?.text, 'v2', 'the latest version is the copy');
    assert.equal(await coes.get('nope'), undefined);
    const items = await coes.items();
    assert.deepEqual(items.map((i) => `${i.coeId} ${i.id}`), ['no-timeouts A1'], 'A2 left the file, so it left the index');
    assert.deepEqual(items[0], { coeId: 'no-timeouts', coeTitle: 'COE of /r/no-timeouts.md', coePath: '/r/no-timeouts.md', ...a1 });
    assert.deepEqual((await coes.itemsNaming({ path: '/exp/x.yaml', sha256: 'zzz' })).map((i) => i.id), ['A1'], 'by path');
    assert.deepEqual((await coes.itemsNaming({ path: '/elsewhere/x.yaml', sha256: 'x1' })).map((i) => i.id), ['A1'], 'by content');
    assert.deepEqual(await coes.itemsNaming({ path: '/elsewhere/x.yaml', sha256: null }), []);
  });

  test(`${engine}: a run's fact about an item is appended once, and the item's state is the latest run's`, async (t) => {
    const store = await opened(t);
    const coes = new CoeStore(store);
    await coes.register(copy('/r/c.md', 't', [
      { id: 'A1', action: 'Add timeouts', owner: 'Shop Team', due: '2026-01-10', state: 'in-progress', experimentPath: '/exp/x.yaml', experimentSha256: 'x1' },
      { id: 'A2', action: 'Page on it', owner: 'obs', due: '2027-01-01' },
      { id: 'A3', action: 'Dropped', state: 'wont-do' },
    ]));
    const fact = (runId: string, kind: 'verified' | 'reopened', at: string, sha: string | null = 'x1') =>
      ({ coeId: 'c', itemId: 'A1', fact: kind, runId, verdict: kind === 'verified' ? 'held' : 'violated', experimentSha256: sha, source: `run ${runId}`, at });
    const now = new Date('2026-06-01T00:00:00Z');
    let a1 = (await trackedItems(store, {}, now)).find((i) => i.id === 'A1')!;
    assert.deepEqual([a1.state, a1.open, a1.overdue], ['in-progress', true, true], 'the file\'s state, overdue past its due date');

    assert.equal((await coes.appendFacts([fact('r1', 'verified', '2026-05-01T10:00:00.000Z')])).length, 1);
    assert.equal((await coes.appendFacts([fact('r1', 'verified', '2026-05-01T10:00:00.000Z')])).length, 0, 'the same run cannot speak twice');
    a1 = (await trackedItems(store, { all: true }, now)).find((i) => i.id === 'A1')!;
    assert.deepEqual([a1.state, a1.open, a1.overdue, a1.lastFact?.runId], ['verified', false, false, 'r1']);
    assert.deepEqual((await trackedItems(store, {}, now)).map((i) => i.id), ['A2'], 'closed items are left out unless --all');

    await coes.appendFacts([fact('r2', 'reopened', '2026-05-02T10:00:00.000Z', 'x2')]);
    // A person marks it done in the file; a reopened item stays open until a run holds.
    await coes.register(copy('/r/c.md', 't2', [{ id: 'A1', action: 'Add timeouts', owner: 'Shop Team', due: '2026-01-10', state: 'done', experimentPath: '/exp/x.yaml', experimentSha256: 'x1' }]));
    a1 = (await trackedItems(store, { owner: 'shop team' }, now))[0];
    assert.deepEqual([a1.state, a1.fileState, a1.open, a1.overdue, a1.lastFact?.runId, a1.experimentChanged], ['reopened', 'done', true, true, 'r2', true]);
    assert.deepEqual((await trackedItems(store, { overdue: true }, now)).map((i) => i.id), ['A1']);
    assert.deepEqual((await coes.facts('c')).map((f) => `${f.runId} ${f.fact}`), ['r1 verified', 'r2 reopened'], 'facts are kept in order, never rewritten');
  });
}
