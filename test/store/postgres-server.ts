// A real PostgreSQL for tests: Debian's server binaries, a cluster made with initdb in a temporary folder,
// listening on a free loopback port, started once per test file and stopped and removed afterwards — also
// when the test fails or the test process exits early. Nothing of the packaged cluster service is used.
// Tests run as root, and PostgreSQL refuses to run as root, so the cluster belongs to the postgres user.
//
//   const pg = await startPostgres();           // in before()
//   after(() => pg.stop());
//   const url = await pg.createDatabase();      // a fresh, empty database per test
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePorts } from '../../src/fleet/fleet.js';

export interface PostgresServer {
  /** postgres://gameday@127.0.0.1:<port>/postgres */
  url: string;
  port: number;
  /** Creates an empty database and returns its URL. */
  createDatabase(name?: string): Promise<string>;
  stop(): Promise<void>;
}

/** The newest PostgreSQL server binaries Debian installed (/usr/lib/postgresql/<version>/bin), or $GAMEDAY_PG_BIN. */
export function postgresBin(): string {
  if (process.env.GAMEDAY_PG_BIN) return process.env.GAMEDAY_PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))) : [];
  if (versions.length === 0) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql: apt-get install postgresql (.ci/run installs it)');
  return join(root, versions.sort((a, b) => Number(b) - Number(a))[0], 'bin');
}

let databases = 0;

export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBin();
  const dir = mkdtempSync(join(tmpdir(), 'gameday-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString()), Number(execFileSync('id', ['-g', 'postgres']).toString()));
  const command = (tool: string, args: string[]) => (asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]] : [join(bin, tool), args]) as [string, string[]];
  const run = (tool: string, args: string[]) => {
    const [file, argv] = command(tool, args);
    // stdio 'ignore': pg_ctl's postmaster keeps running in the background and must not hold our pipes open.
    const result = spawnSync(file, argv, { stdio: 'ignore', cwd: dir, timeout: 60_000 });
    if (result.status !== 0) {
      const log = existsSync(join(dir, 'log')) ? readFileSync(join(dir, 'log'), 'utf8') : '';
      throw new Error(`${tool} ${args.join(' ')} failed (exit ${result.status})\n${log}`);
    }
  };
  const stopNow = () => {
    if (existsSync(join(data, 'postmaster.pid'))) {
      const [file, argv] = command('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
      spawnSync(file, argv, { stdio: 'ignore', timeout: 30_000 });
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // An early exit of the test process (a crash, process.exit) must not leave a server running.
  process.once('exit', stopNow);
  try {
    run('initdb', ['-D', data, '-U', 'gameday', '-A', 'trust', '-E', 'UTF8', '--no-locale', '--no-sync']);
    const [port] = await freePorts(1);
    run('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-t', '60', '-o', `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c max_connections=200`, 'start']);
    const url = `postgres://gameday@127.0.0.1:${port}/postgres`;
    return {
      url,
      port,
      async createDatabase(name = `test_${process.pid}_${++databases}`) {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          await client.query(`CREATE DATABASE ${name}`);
        } finally {
          await client.end();
        }
        return `postgres://gameday@127.0.0.1:${port}/${name}`;
      },
      async stop() {
        process.off('exit', stopNow);
        stopNow();
      },
    };
  } catch (error) {
    process.off('exit', stopNow);
    stopNow();
    throw error;
  }
}
