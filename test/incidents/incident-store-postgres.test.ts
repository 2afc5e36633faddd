// The incidents' tables and rules on PostgreSQL: a real server started for this file, a new database per test.
import { after, before } from 'node:test';
import { startPostgres, type PostgresServer } from '../store/postgres-server.js';
import { incidentStoreSuite } from './incident-store-suite.js';

let server: PostgresServer;
before(async () => {
  server = await startPostgres();
});
after(() => server?.stop());

incidentStoreSuite('postgres', () => server.createDatabase());
