// The store suite on PostgreSQL: a real server started for this file (postgres-server.ts), a new database per test.
import { after, before } from 'node:test';
import { startPostgres, type PostgresServer } from './postgres-server.js';
import { statusStoreSuite } from '../status/status-store-suite.js';
import { storeSuite } from './store-suite.js';

let server: PostgresServer;
before(async () => {
  server = await startPostgres();
});
after(() => server?.stop());

storeSuite('postgres', () => server.createDatabase());
statusStoreSuite('postgres', () => server.createDatabase());
