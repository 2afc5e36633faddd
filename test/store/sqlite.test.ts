// The store suite on the embedded engine: a new SQLite file per test in a temporary folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { statusStoreSuite } from '../status/status-store-suite.js';
import { storeSuite } from './store-suite.js';

const dir = mkdtempSync(join(tmpdir(), 'gameday-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

storeSuite('sqlite', async () => join(dir, `store-${++files}.db`));
statusStoreSuite('sqlite', async () => join(dir, `store-${++files}.db`));
