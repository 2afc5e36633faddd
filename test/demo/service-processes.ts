// Starts demo services as real child processes the way the fleet will: environment in, one JSON line
// `{"listening": port, …}` out on stdout. Everything started here is killed by stopAll() even when a
// test fails half-way.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { ListeningLine } from '../../src/demo/services/process-lifecycle.js';
import { BACKEND_SERVICES } from '../../src/demo/services/catalog-of-services.js';

export const ENTRIES = {
  backend: fileURLToPath(new URL('../../src/demo/services/backend.js', import.meta.url)),
  backends: fileURLToPath(new URL('../../src/demo/services/backends.js', import.meta.url)),
  assembler: fileURLToPath(new URL('../../src/demo/services/assembler.js', import.meta.url)),
};

export interface ServiceProcess {
  child: ChildProcess;
  line: ListeningLine;
  url: string;
  /** Spawn to the listening line, in milliseconds. */
  startupMs: number;
  stderr(): string;
  rssMb(): number;
}

const started = new Set<ChildProcess>();

export async function startService(
  entry: keyof typeof ENTRIES,
  env: Record<string, string>,
  args: string[] = [],
  startLimitMs = 15_000,
): Promise<ServiceProcess> {
  return startCommand([process.execPath, ENTRIES[entry], ...args], env, startLimitMs);
}

/** Starts a service from its whole command line (node, its flags, the entry), as the fleet would. */
export async function startCommand(command: string[], env: Record<string, string>, startLimitMs = 15_000): Promise<ServiceProcess> {
  const entry = command.find((arg) => arg.endsWith('.js')) ?? command[0];
  const t0 = performance.now();
  const child = spawn(command[0], command.slice(1), {
    env: { PATH: process.env.PATH ?? '', GAMEDAY_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.add(child);
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const line = await new Promise<ListeningLine>((resolve, reject) => {
    let stdout = '';
    // Generous: a cold start on a loaded 2-core machine can take a second or more.
    const timer = setTimeout(() => reject(new Error(`${entry} did not print its listening line within ${startLimitMs} ms; stderr: ${stderr}`)), startLimitMs);
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const newline = stdout.indexOf('\n');
      if (newline < 0) return;
      clearTimeout(timer);
      resolve(JSON.parse(stdout.slice(0, newline)) as ListeningLine);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited with ${code} before listening; stderr: ${stderr}`));
    });
  });
  const startupMs = performance.now() - t0;
  return {
    child,
    line,
    url: `http://127.0.0.1:${line.listening}`,
    startupMs,
    stderr: () => stderr,
    rssMb: () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) / 1024,
  };
}

/** Runs an entry that is expected to refuse its configuration; resolves with its exit code and stderr. */
export function runToExit(entry: keyof typeof ENTRIES, env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [ENTRIES[entry]], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  started.add(child);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stderr })));
}

/** One process per backend of the catalog, in one region; resolves to base URLs by backend name. */
export async function startBackends(region: string): Promise<Record<string, ServiceProcess>> {
  const processes = await Promise.all(
    BACKEND_SERVICES.map((service) =>
      startService('backend', { GAMEDAY_SERVICE: service.name, GAMEDAY_REGION: region, GAMEDAY_INSTANCE: `${region}.${service.name}.1` }),
    ),
  );
  return Object.fromEntries(processes.map((p) => [p.line.service, p]));
}

export function urlsOf(processes: Record<string, ServiceProcess>): Record<string, string> {
  return Object.fromEntries(Object.entries(processes).map(([name, p]) => [name, p.url]));
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  started.delete(child);
}

export async function stopAll(): Promise<void> {
  await Promise.all([...started].map(stopProcess));
}

/** A server that accepts connections and never answers: what a black-holed dependency looks like. */
export async function startBlackhole(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A port nothing listens on (bound, then released): connections to it are refused. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

/** Reads one sample of a Prometheus text exposition, matching every given label. */
export function metricValue(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    if (Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}
