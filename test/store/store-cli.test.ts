// The store from the command line: `gameday store migrate [--dry-run]`, a store newer than the code refused
// by every verb, and `--store` / GAMEDAY_STORE pointing the verbs at PostgreSQL.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { openStore } from '../../src/store/database.js';
import { capabilities } from '../../src/store/schema.js';
import { spawnGameday, tempHome } from '../cli-process.js';
import { startPostgres, type PostgresServer } from './postgres-server.js';

let postgres: PostgresServer;
let home: ReturnType<typeof tempHome>;
before(async () => {
  home = tempHome();
  postgres = await startPostgres();
});
after(async () => {
  await postgres?.stop();
  home?.remove();
});

const migrations = capabilities.reduce((sum, capability) => sum + capability.migrations.length, 0);

test('gameday store migrate --dry-run prints every migration it would apply with its SQL and creates nothing; migrate applies them once', async () => {
  const file = join(home.dir, '.gameday', 'gameday.db');
  const dry = await spawnGameday(['store', 'migrate', '--dry-run'], home.dir).done;
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, new RegExp(`^store: ${file.replace(/[.*+?^$()|[\]\\]/g, '\\$&')} \\(sqlite, does not exist yet\\)\n`));
  assert.match(dry.stdout, /would apply runs 1: runs and the leases they hold\n {4}CREATE TABLE IF NOT EXISTS runs \(/);
  assert.match(dry.stdout, new RegExp(`\n${migrations} migrations would be applied; nothing was changed`));
  assert.equal(existsSync(file), false, 'a dry run creates no store');

  const applied = await spawnGameday(['store', 'migrate'], home.dir).done;
  assert.equal(applied.code, 0, applied.stderr);
  assert.match(applied.stdout, /applied journal 1: journal events of runs, appended as they happen\n/);
  assert.match(applied.stdout, new RegExp(`\n${migrations} migrations applied\\.\n$`));
  const again = await spawnGameday(['store', 'migrate', '--dry-run'], home.dir).done;
  assert.match(again.stdout, /up to date: every migration this gameday knows is applied; nothing to change\.\n$/);
});

test('every verb refuses a store migrated by a newer gameday, naming the version it needs, with exit 3', async () => {
  const url = await postgres.createDatabase();
  const store = await openStore(url);
  await store.run('INSERT INTO schema_migrations (capability, version, name, applied_at, applied_by) VALUES (?, ?, ?, ?, ?)', ['levers', 7, 'lever groups', 'now', '2.0.0']);
  await store.close();
  for (const args of [['runs'], ['halt'], ['store', 'migrate', '--dry-run'], ['serve', '--listen', '127.0.0.1:0']]) {
    const result = await spawnGameday([...args, '--store', url], home.dir).done;
    assert.equal(result.code, 3, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, /levers migration 7 \("lever groups"\) was applied by gameday 2\.0\.0; .* Use gameday 2\.0\.0 or later with this store \(nothing was changed\)\./, args.join(' '));
  }
});

test('GAMEDAY_STORE or --store point the verbs at PostgreSQL, and a password is never printed', async () => {
  const url = (await postgres.createDatabase()).replace('gameday@', 'gameday:s3cret@');
  const runs = await spawnGameday(['runs'], home.dir, { GAMEDAY_STORE: url }).done;
  assert.equal(runs.code, 0, runs.stderr);
  assert.match(runs.stdout, /^store: postgres:\/\/gameday:\*\*\*@127\.0\.0\.1:\d+\/test_\d+_\d+\nno runs yet/);
  assert.doesNotMatch(runs.stdout + runs.stderr, /s3cret/);
  const unreachable = await spawnGameday(['runs', '--store', 'postgres://gameday:s3cret@127.0.0.1:9/none'], home.dir).done;
  assert.equal(unreachable.code, 4);
  assert.match(unreachable.stderr, /^gameday: cannot reach the PostgreSQL store postgres:\/\/gameday:\*\*\*@127\.0\.0\.1:9\/none: /);
  assert.doesNotMatch(unreachable.stderr, /s3cret/);
});
