// The COE repository on the embedded engine: a new SQLite file per test in a temporary folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { coeStoreSuite } from './coe-store-suite.js';

const dir = mkdtempSync(join(tmpdir(), 'gameday-coe-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

coeStoreSuite('sqlite', async () => join(dir, `store-${++files}.db`));
