// The process edge shared by every demo service: bind 127.0.0.1, announce the port on stdout as one JSON
// line (so a parent that started us with PORT=0 learns where we are without racing for ports), drain on
// SIGTERM, and turn bad configuration into exit code 3 with a message that names the variable.
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { createLogger } from '../../observe/log.js';
import { ServiceEnvError, type ServiceIdentity } from './service-env.js';

/** Shared with the HTTP handlers: a draining instance fails its health check so gateways move away. */
export interface Lifecycle {
  draining: boolean;
}

/** What a service prints on stdout once it accepts connections; nothing else goes to stdout. */
export interface ListeningLine {
  listening: number;
  host: string;
  service: string;
  region: string;
  instance: string;
  pid: number;
}

/** How long in-flight requests may take to finish after SIGTERM before the process exits anyway. */
const DRAIN_LIMIT_MS = 5_000;

export async function serve(app: FastifyInstance, identity: ServiceIdentity, lifecycle: Lifecycle): Promise<void> {
  const log = createLogger(`demo.${identity.service}`);
  // Installed before the listening line: a parent may signal us the moment it reads that line.
  const stop = (signal: string) => {
    if (lifecycle.draining) return;
    lifecycle.draining = true;
    log.info({ signal }, 'draining');
    setTimeout(() => process.exit(0), DRAIN_LIMIT_MS).unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'error while closing');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  await app.listen({ host: '127.0.0.1', port: identity.port });
  const { port } = app.server.address() as AddressInfo;
  const { service, region, instance } = identity;
  const line: ListeningLine = { listening: port, host: '127.0.0.1', service, region, instance, pid: process.pid };
  process.stdout.write(`${JSON.stringify(line)}\n`);
  log.info({ port, region: identity.region, instance: identity.instance }, 'listening');
}

/** Runs a service's main; invalid configuration exits 3 (nothing was bound), anything else exits 4. */
export function runService(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    if (error instanceof ServiceEnvError) {
      process.stderr.write(`gameday demo service: invalid configuration: ${error.message}\n`);
      process.exit(3);
    }
    process.stderr.write(`gameday demo service: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(4);
  });
}
