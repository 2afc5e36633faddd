// The local world the Chaos Toolkit fixtures run against: real HTTP servers on loopback, real processes
// kept alive by a pm2-like supervisor, and a `pm2` command on PATH that talks to it. Everything stops
// when the test ends, whatever happened.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface Listening {
  url: string;
  port: number;
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void | Promise<void>;

/** An HTTP server on 127.0.0.1 (port 0: any free port), with the request body read for the handler. */
export async function listen(port: number, handler: Handler): Promise<Listening> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => void Promise.resolve(handler(req, Buffer.concat(chunks).toString('utf8'), res)).catch(() => res.writeHead(500).end()));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

export async function freePort(): Promise<number> {
  const probe = await listen(0, (_req, _body, res) => void res.end());
  await probe.close();
  return probe.port;
}

export async function waitForHttp(url: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(1000) })).ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs}ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface App {
  file: string;
  argv: string[];
  env: Record<string, string>;
  child?: ChildProcess;
  stopped: boolean;
  starts: number;
}

/**
 * What pm2 does for chrisp777's experiments: runs named processes in a working directory, starts again one
 * that dies (pm2's autorestart), leaves alone one that was stopped. `pm2` on the PATH it writes drives it.
 */
export class Supervisor {
  private readonly apps = new Map<string, App>();
  private control?: Listening;

  constructor(private readonly cwd: string) {}

  add(name: string, file: string, argv: string[], env: Record<string, string>): void {
    this.apps.set(name, { file, argv, env, stopped: false, starts: 0 });
  }

  starts(name: string): number {
    return this.apps.get(name)?.starts ?? 0;
  }

  async start(): Promise<{ binDir: string; env: Record<string, string> }> {
    this.control = await listen(0, (req, _body, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const app = this.apps.get(url.searchParams.get('name') ?? '');
      if (!app) return void res.writeHead(404).end(`no process named ${url.searchParams.get('name')}`);
      if (url.pathname === '/stop') {
        app.stopped = true;
        app.child?.kill('SIGTERM');
        return void res.end('stopped');
      }
      if (url.pathname === '/restart') {
        if (url.searchParams.get('file') !== app.file) return void res.writeHead(400).end(`${url.searchParams.get('name')} runs ${app.file}`);
        app.stopped = false;
        if (app.child && app.child.exitCode === null && app.child.signalCode === null) app.child.kill('SIGTERM');
        else this.run(app, url.searchParams.get('name')!);
        return void res.end('restarted');
      }
      res.writeHead(404).end();
    });
    for (const [name, app] of this.apps) this.run(app, name);
    const binDir = join(this.cwd, '.bin');
    mkdirSync(binDir, { recursive: true });
    const pm2 = join(binDir, 'pm2');
    writeFileSync(pm2, `#!/bin/sh\nexec "${process.execPath}" "${join(import.meta.dirname, 'pm2-standin.js')}" "$@"\n`);
    chmodSync(pm2, 0o755);
    return { binDir, env: { PM2_STANDIN_URL: this.control.url, PATH: `${binDir}:${process.env.PATH}` } };
  }

  private run(app: App, name: string): void {
    app.starts += 1;
    const child = spawn(process.execPath, app.argv, { cwd: this.cwd, env: { ...process.env, ...app.env, PM2_NAME: name }, stdio: 'ignore' });
    app.child = child;
    // pm2's autorestart: a process that ends without being stopped is started again.
    child.on('exit', () => {
      if (!app.stopped && this.control) setTimeout(() => this.control && !app.stopped && app.child === child && this.run(app, name), 100);
    });
  }

  async close(): Promise<void> {
    const control = this.control;
    this.control = undefined;
    await control?.close();
    await Promise.all(
      [...this.apps.values()].map(async (app) => {
        app.stopped = true;
        const child = app.child;
        if (!child || child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      }),
    );
  }
}
