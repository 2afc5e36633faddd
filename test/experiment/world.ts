// A small real world for the engine's integration tests: an HTTP service (node:http, in this process), the
// real fault proxy in a child process in front of it, and `gameday` itself as a child process. Everything
// on 127.0.0.1 with OS-picked ports; everything torn down by the caller's t.after.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JournalEvent, JournalEventType } from '../../src/journal/events.js';
import type { Journal } from '../../src/journal/format.js';
import { repoRoot } from '../cli-process.js';
import { validJournal } from '../journal-schema.js';

export { repoRoot };

export interface Service {
  url: string;
  /** Every request's method and path, in arrival order. */
  requests: string[];
  server: Server;
  close(): Promise<void>;
}

/** A service that answers 200 "ok" quickly. */
export async function startService(): Promise<Service> {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    request.resume();
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.end('ok');
  });
  server.keepAliveTimeout = 2000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    server,
    close: async () => {
      server.closeAllConnections();
      await new Promise((done) => server.close(() => done(undefined)));
    },
  };
}

export interface ProxyProcess {
  controlUrl: string;
  /** The proxied address of the service, http://127.0.0.1:<port>. */
  proxiedUrl: string;
  child: ChildProcess;
  toxics(): Promise<{ name: string; type: string; lease?: string }[]>;
  leases(): Promise<{ id: string }[]>;
  close(): Promise<void>;
}

/** The real fault proxy (ProxyServer) in its own process, with one HTTP-mode proxy "svc" in front of `upstream`. */
export async function startProxyProcess(upstream: string): Promise<ProxyProcess> {
  const upstreamHostPort = new URL(upstream).host;
  const script = `
    const { ProxyServer } = await import(${JSON.stringify(join(repoRoot, 'dist/src/proxy/server.js'))});
    const { createLogger } = await import(${JSON.stringify(join(repoRoot, 'dist/src/observe/log.js'))});
    const server = await ProxyServer.start({ listen: '127.0.0.1:0', logger: createLogger('proxy', 'silent') });
    const proxy = await server.createProxy({ name: 'svc', listen: '127.0.0.1:0', upstream: ${JSON.stringify(upstreamHostPort)}, protocol: 'http' });
    process.stdout.write(JSON.stringify({ controlUrl: server.controlUrl, listen: proxy.listen }) + '\\n');
    process.on('SIGTERM', async () => { await server.close(); process.exit(0); });
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await Promise.race([
    once(child.stdout!, 'data'),
    once(child, 'exit').then(() => {
      throw new Error('the proxy process exited before it was ready');
    }),
  ])) as [Buffer];
  const { controlUrl, listen } = JSON.parse(line.toString()) as { controlUrl: string; listen: string };
  const get = async <T>(path: string): Promise<T> => (await (await fetch(`${controlUrl}${path}`)).json()) as T;
  return {
    controlUrl,
    proxiedUrl: `http://${listen}`,
    child,
    toxics: () => get('/proxies/svc/toxics'),
    leases: () => get('/leases'),
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

export { spawnGameday, tempHome, type GamedayProcess, type GamedayResult } from '../cli-process.js';

/** An experiment against the world's proxy: target `svc`, a 20/s load `shop` through it, then `body`. */
export function proxyExperiment(proxy: ProxyProcess, body: string, title = 'engine integration'): string {
  return `title: ${title}
targets:
  svc: { kind: proxy, control: "${proxy.controlUrl}", proxy: svc }
loads:
  shop: { url: "${proxy.proxiedUrl}/", rate: 20/s, connections: 8, timeout: 5s }
${body}`;
}

/** The journal of the run whose summary is `stdout` (it names its run folder). */
export function journalOf(stdout: string): Journal {
  const folder = /run folder: (.+)/.exec(stdout)?.[1];
  assert.ok(folder, `no run folder in:\n${stdout}`);
  const file = join(folder, 'journal.json');
  return validJournal(JSON.parse(readFileSync(file, 'utf8')), file);
}

/** The journal's events of one type, with the data of that type. */
export function eventsOf<T extends JournalEventType>(journal: Journal, type: T): Extract<JournalEvent, { type: T }>[] {
  return journal.events.filter((e): e is Extract<JournalEvent, { type: T }> => e.type === type);
}

/** Polls `check` until it returns true or `timeoutMs` passes; returns the elapsed time, or throws. */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await check()) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}`);
}
