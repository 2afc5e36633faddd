// The COE repository on PostgreSQL: a real server started for this file, a new database per test.
import { after, before } from 'node:test';
import { startPostgres, type PostgresServer } from '../store/postgres-server.js';
import { coeStoreSuite } from './coe-store-suite.js';

let server: PostgresServer;
before(async () => {
  server = await startPostgres();
});
after(() => server?.stop());

coeStoreSuite('postgres', () => server.createDatabase());
