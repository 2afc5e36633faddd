import type { Queryable, Store, Transaction } from '../store/engine.js';
import type { Capability } from '../store/migrations.js';

// COEs in the store: a copy of every registered COE file (each registration that changed it is a new
// version, appended), an index of the latest version's action items (rebuilt at each registration, so a
// run can find the items that name its experiment), and the facts runs record about those items —
// verified by a run that held, reopened by one that did not. Facts are appended, never rewritten (STYLE
// §9): an item's current state is derived from them (tracking.ts).

export const coesCapability: Capability = {
  name: 'coes',
  migrations: [
    {
      version: 1,
      name: 'COE copies, their action items, and what runs verified',
      sql: (d) => `
CREATE TABLE coes (
  id TEXT PRIMARY KEY,
  path TEXT NOT NULL UNIQUE,
  registered_at TEXT NOT NULL
);
CREATE TABLE coe_versions (
  seq ${d.serialKey},
  coe_id TEXT NOT NULL REFERENCES coes (id),
  title TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  text TEXT NOT NULL,
  registered_at TEXT NOT NULL,
  registered_by TEXT NOT NULL
);
CREATE INDEX coe_versions_by_coe ON coe_versions (coe_id, seq);
CREATE TABLE coe_actions (
  coe_id TEXT NOT NULL REFERENCES coes (id),
  item_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  action TEXT NOT NULL,
  owner TEXT,
  due TEXT,
  kind TEXT,
  state TEXT,
  experiment TEXT,
  experiment_path TEXT,
  experiment_sha256 TEXT,
  ticket TEXT,
  PRIMARY KEY (coe_id, item_id)
);
CREATE INDEX coe_actions_by_experiment ON coe_actions (experiment_path);
CREATE TABLE coe_action_facts (
  seq ${d.serialKey},
  coe_id TEXT NOT NULL REFERENCES coes (id),
  item_id TEXT NOT NULL,
  fact TEXT NOT NULL CHECK (fact IN ('verified', 'reopened')),
  run_id TEXT NOT NULL,
  verdict TEXT NOT NULL,
  experiment_sha256 TEXT,
  source TEXT NOT NULL,
  at TEXT NOT NULL,
  at_ms ${d.bigint} NOT NULL,
  UNIQUE (coe_id, item_id, run_id)
);
CREATE INDEX coe_action_facts_by_item ON coe_action_facts (coe_id, item_id, seq);`,
    },
  ],
};

/** An action item as the latest registered version of its COE states it. */
export interface IndexedItem {
  id: string;
  action: string;
  owner?: string;
  due?: string;
  kind?: string;
  state?: string;
  /** As written in the COE (a path relative to it). */
  experiment?: string;
  /** The experiment's absolute path and content hash when the COE was registered (see identity.ts). */
  experimentPath?: string;
  experimentSha256?: string;
  ticket?: string;
}

export interface CoeCopy {
  /** The COE file's absolute path: one COE per path. */
  path: string;
  title: string;
  text: string;
  sha256: string;
  items: IndexedItem[];
  /** Who registered it: `gameday coe new`, `gameday coe add`. */
  by: string;
}

export interface CoeRecord {
  id: string;
  path: string;
  title: string;
  sha256: string;
  registeredAt: string;
  /** When the latest version was registered. */
  updatedAt: string;
  versions: number;
}

export type ActionFactKind = 'verified' | 'reopened';

export interface ActionFact {
  coeId: string;
  itemId: string;
  fact: ActionFactKind;
  runId: string;
  verdict: string;
  experimentSha256: string | null;
  /** `run <id>`. */
  source: string;
  at: string;
}

export interface StoredItem extends IndexedItem {
  coeId: string;
  coeTitle: string;
  coePath: string;
}

export interface Registration {
  id: string;
  /** new: first registration; changed: a new version; unchanged: the store had this text already. */
  outcome: 'new' | 'changed' | 'unchanged';
}

interface ItemRow {
  coe_id: string;
  coe_title: string;
  coe_path: string;
  item_id: string;
  action: string;
  owner: string | null;
  due: string | null;
  kind: string | null;
  state: string | null;
  experiment: string | null;
  experiment_path: string | null;
  experiment_sha256: string | null;
  ticket: string | null;
}

const LATEST = `(SELECT MAX(seq) FROM coe_versions v2 WHERE v2.coe_id = coes.id)`;

export class CoeStore {
  constructor(private readonly store: Store) {}

  /** Registers a COE file's text: a new COE, a new version of one, or nothing when the text is unchanged. */
  register(copy: CoeCopy, at = new Date()): Promise<Registration> {
    return this.store.transaction(async (tx) => {
      const known = await tx.get<{ id: string; sha256: string }>(`SELECT coes.id, v.sha256 FROM coes JOIN coe_versions v ON v.seq = ${LATEST} WHERE coes.path = ?`, [copy.path]);
      const id = known?.id ?? (await freeId(tx, copy.path));
      if (known?.sha256 === copy.sha256) return { id, outcome: 'unchanged' };
      if (!known) await tx.run('INSERT INTO coes (id, path, registered_at) VALUES (?, ?, ?)', [id, copy.path, at.toISOString()]);
      await tx.run('INSERT INTO coe_versions (coe_id, title, sha256, text, registered_at, registered_by) VALUES (?, ?, ?, ?, ?, ?)', [
        id,
        copy.title,
        copy.sha256,
        copy.text,
        at.toISOString(),
        copy.by,
      ]);
      // The index follows the latest version; the facts about items stay, whatever the file says now.
      await tx.run('DELETE FROM coe_actions WHERE coe_id = ?', [id]);
      for (const [position, item] of copy.items.entries()) {
        await tx.run(
          'INSERT INTO coe_actions (coe_id, item_id, position, action, owner, due, kind, state, experiment, experiment_path, experiment_sha256, ticket) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
          [id, item.id, position, item.action, item.owner ?? null, item.due ?? null, item.kind ?? null, item.state ?? null, item.experiment ?? null, item.experimentPath ?? null, item.experimentSha256 ?? null, item.ticket ?? null],
        );
      }
      return { id, outcome: known ? 'changed' : 'new' };
    });
  }

  async list(): Promise<CoeRecord[]> {
    const rows = await this.store.all<Record<string, unknown>>(
      `SELECT coes.id, coes.path, coes.registered_at, v.title, v.sha256, v.registered_at AS updated_at, (SELECT COUNT(*) FROM coe_versions v3 WHERE v3.coe_id = coes.id) AS versions
       FROM coes JOIN coe_versions v ON v.seq = ${LATEST} ORDER BY v.registered_at DESC, coes.id`,
    );
    return rows.map((row) => ({
      id: String(row.id),
      path: String(row.path),
      title: String(row.title),
      sha256: String(row.sha256),
      registeredAt: String(row.registered_at),
      updatedAt: String(row.updated_at),
      versions: Number(row.versions),
    }));
  }

  async get(id: string): Promise<(CoeRecord & { text: string }) | undefined> {
    const record = (await this.list()).find((coe) => coe.id === id);
    if (!record) return undefined;
    const row = await this.store.get<{ text: string }>(`SELECT text FROM coe_versions WHERE seq = (SELECT MAX(seq) FROM coe_versions WHERE coe_id = ?)`, [id]);
    return { ...record, text: row!.text };
  }

  async byPath(path: string): Promise<CoeRecord | undefined> {
    return (await this.list()).find((coe) => coe.path === path);
  }

  /** Every action item of every COE's latest version, in COE then file order. */
  async items(): Promise<StoredItem[]> {
    return this.selectItems('');
  }

  /** The items that name an experiment: by its path, or by a byte-identical copy of it elsewhere. */
  async itemsNaming(experiment: { path: string; sha256: string | null }): Promise<StoredItem[]> {
    return experiment.sha256 === null
      ? this.selectItems('WHERE a.experiment_path = ?', experiment.path)
      : this.selectItems('WHERE a.experiment_path = ? OR a.experiment_sha256 = ?', experiment.path, experiment.sha256);
  }

  /** Appends facts; a run's fact about an item is recorded once, however often it is offered. Returns those appended. */
  appendFacts(facts: readonly ActionFact[]): Promise<ActionFact[]> {
    return this.store.transaction(async (tx) => {
      const appended: ActionFact[] = [];
      for (const fact of facts) {
        const { changes } = await tx.run(
          'INSERT INTO coe_action_facts (coe_id, item_id, fact, run_id, verdict, experiment_sha256, source, at, at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
          [fact.coeId, fact.itemId, fact.fact, fact.runId, fact.verdict, fact.experimentSha256, fact.source, fact.at, Date.parse(fact.at)],
        );
        if (changes > 0) appended.push(fact);
      }
      return appended;
    });
  }

  /** Every fact about the items of `coeId` (or of every COE), oldest first. */
  async facts(coeId?: string): Promise<ActionFact[]> {
    const rows = await this.store.all<Record<string, string | null>>(
      `SELECT coe_id, item_id, fact, run_id, verdict, experiment_sha256, source, at FROM coe_action_facts ${coeId === undefined ? '' : 'WHERE coe_id = ?'} ORDER BY at_ms, seq`,
      coeId === undefined ? [] : [coeId],
    );
    return rows.map((row) => ({
      coeId: row.coe_id!,
      itemId: row.item_id!,
      fact: row.fact as ActionFactKind,
      runId: row.run_id!,
      verdict: row.verdict!,
      experimentSha256: row.experiment_sha256,
      source: row.source!,
      at: row.at!,
    }));
  }

  private async selectItems(where: string, ...params: string[]): Promise<StoredItem[]> {
    const rows = await this.store.all<ItemRow>(
      `SELECT a.coe_id, v.title AS coe_title, coes.path AS coe_path, a.item_id, a.action, a.owner, a.due, a.kind, a.state, a.experiment, a.experiment_path, a.experiment_sha256, a.ticket
       FROM coe_actions a JOIN coes ON coes.id = a.coe_id JOIN coe_versions v ON v.seq = ${LATEST} ${where} ORDER BY a.coe_id, a.position`,
      params,
    );
    return rows.map((row) => {
      const item: StoredItem = { coeId: row.coe_id, coeTitle: row.coe_title, coePath: row.coe_path, id: row.item_id, action: row.action };
      const optional = { owner: row.owner, due: row.due, kind: row.kind, state: row.state, experiment: row.experiment, experimentPath: row.experiment_path, experimentSha256: row.experiment_sha256, ticket: row.ticket };
      for (const [key, value] of Object.entries(optional)) if (value !== null) (item as unknown as Record<string, string>)[key] = value;
      return item;
    });
  }
}

/** An id people can type and put in a URL: the file's name (`no-timeouts`), numbered when another COE has it. */
async function freeId(tx: Transaction | Queryable, path: string): Promise<string> {
  const stem = (path.split(/[\\/]/).at(-1) ?? 'coe').replace(/\.(md|markdown)$/i, '');
  const base = stem.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'coe';
  for (let n = 1; ; n++) {
    const id = n === 1 ? base : `${base}-${n}`;
    if (!(await tx.get('SELECT 1 AS taken FROM coes WHERE id = ?', [id]))) return id;
  }
}
