// The process edge shared by every demo service: bind 127.0.0.1, announce the port on stdout as one JSON
// line (so a parent that started us with PORT=0 learns where we are without racing for ports), drain on
// SIGTERM, and turn bad configuration into exit code 3 with a message that names the variable.
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../observe/log.js';
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
  /** A process that hosts several backends (backends.ts): the port of each. */
  backends?: Record<string, number>;
}

/** A backend hosted by this process on a port of its own, opened before and closed with the main app. */
export interface HostedApp {
  name: string;
  app: FastifyInstance;
  port: number;
}

/** How long in-flight requests may take to finish after SIGTERM before the process exits anyway. */
const DRAIN_LIMIT_MS = 5_000;

export async function serve(app: FastifyInstance, identity: ServiceIdentity, lifecycle: Lifecycle, hosted: HostedApp[] = []): Promise<void> {
  // The logger is loaded when there is something to say (drain, errors): pino costs a backend ~10 % of
  // its start time and a few MB, and the listening line on stdout already says the service is up.
  const logger = async (): Promise<Logger> => (await import('../../observe/log.js')).createLogger(`demo.${identity.service}`);
  // Installed before the listening line: a parent may signal us the moment it reads that line.
  const stop = async (signal: string) => {
    if (lifecycle.draining) return;
    lifecycle.draining = true;
    setTimeout(() => process.exit(0), DRAIN_LIMIT_MS).unref();
    const log = await logger();
    log.info({ signal }, 'draining');
    try {
      await Promise.all([app, ...hosted.map((h) => h.app)].map((a) => a.close()));
      process.exit(0);
    } catch (error) {
      log.error({ err: error }, 'error while closing');
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  // The main app listens last: once it answers its health check, every hosted backend does too.
  await Promise.all(hosted.map((h) => h.app.listen({ host: '127.0.0.1', port: h.port })));
  await app.listen({ host: '127.0.0.1', port: identity.port });
  const { port } = app.server.address() as AddressInfo;
  const { service, region, instance } = identity;
  const line: ListeningLine = { listening: port, host: '127.0.0.1', service, region, instance, pid: process.pid };
  if (hosted.length > 0) line.backends = Object.fromEntries(hosted.map((h) => [h.name, (h.app.server.address() as AddressInfo).port]));
  process.stdout.write(`${JSON.stringify(line)}\n`);
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
