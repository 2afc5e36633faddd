// Real HTTP servers for the load tests, on 127.0.0.1 and an OS-chosen port, closed after each test.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';

export async function startServer(t: TestContext, handler: RequestListener): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

/** Wall-clock milliseconds with sub-millisecond precision, comparable between processes. */
export function wallMs(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * A server in its own process (so it can be SIGSTOPped, and so it does not share the test's event loop on
 * a busy machine), answering "ok"; GET /__count tells how many other requests it served, GET /__arrivals
 * when each arrived (wallMs() in the server's process).
 */
export async function startChildServer(
  t: TestContext,
): Promise<{ url: string; child: ChildProcess; served: () => Promise<number>; arrivals: () => Promise<number[]> }> {
  const source = `
    const http = require('node:http');
    const arrivals = [];
    const server = http.createServer((req, res) => {
      if (req.url === '/__count') return res.end(String(arrivals.length));
      if (req.url === '/__arrivals') return res.end(JSON.stringify(arrivals));
      arrivals.push(performance.timeOrigin + performance.now());
      res.end('ok');
    });
    server.keepAliveTimeout = 60000;
    server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
  `;
  const child = spawn(process.execPath, ['-e', source], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => {
    child.kill('SIGCONT');
    child.kill('SIGKILL');
  });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (data) => resolve(String(data).trim()));
    child.once('exit', (code) => reject(new Error(`test server exited with ${code}`)));
  });
  const served = async () => Number(await (await fetch(`http://127.0.0.1:${port}/__count`)).text());
  const arrivals = async () => (await (await fetch(`http://127.0.0.1:${port}/__arrivals`)).json()) as number[];
  return { url: `http://127.0.0.1:${port}/`, child, served, arrivals };
}
