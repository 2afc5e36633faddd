// When a port the demo world needs is taken, the user needs to know by what: usually a world left running
// with `--keep`, or `gameday proxy` / `gameday serve`, sometimes an unrelated program. We ask the port what
// it is (GameDay's components answer distinctive routes) and, on Linux, which process holds the socket.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';

/** Resolves true when 127.0.0.1:port can be bound right now. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** One sentence: what is probably listening on 127.0.0.1:port. */
export async function describePortOwner(port: number): Promise<string> {
  const holder = processHolding(port);
  const what = await identifyByHttp(port);
  const by = holder ? ` (pid ${holder.pid}: ${holder.command})` : '';
  return `${what ?? 'a program that is not a GameDay component'}${by}`;
}

const FINGERPRINTS: { path: string; looksLike: (body: string, status: number) => boolean; name: string }[] = [
  { path: '/instances', name: 'a GameDay fleet control API', looksLike: (body, status) => status === 200 && body.startsWith('[') && body.includes('"service"') },
  { path: '/regions', name: 'a GameDay region gateway control API', looksLike: (body, status) => status === 200 && body.includes('"weight"') },
  { path: '/levers', name: 'a GameDay lever service (`gameday serve` or a demo world)', looksLike: (body, status) => status === 200 && body.startsWith('[') },
  { path: '/version', name: 'a Toxiproxy-compatible proxy control API (`gameday proxy`, toxiproxy-server or a demo world)', looksLike: (body, status) => status === 200 && body.length < 100 },
  { path: '/healthz', name: 'a GameDay demo world gateway or service', looksLike: (_body, status) => status < 500 },
];

async function identifyByHttp(port: number): Promise<string | undefined> {
  for (const fingerprint of FINGERPRINTS) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}${fingerprint.path}`, { signal: AbortSignal.timeout(500) });
      const body = await response.text();
      if (fingerprint.looksLike(body, response.status)) return fingerprint.name;
    } catch {
      return undefined; // not HTTP, or too slow to say
    }
  }
  return 'an HTTP server that is not a GameDay component';
}

/** The process with a listening socket on 127.0.0.1:port (or any address), from /proc; Linux and own processes only. */
function processHolding(port: number): { pid: number; command: string } | undefined {
  let inode: string | undefined;
  try {
    for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
      for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
        const fields = line.trim().split(/\s+/);
        // local_address is HEXIP:HEXPORT; state 0A is LISTEN.
        if (fields.length > 9 && fields[3] === '0A' && parseInt(fields[1].split(':')[1], 16) === port) inode = fields[9];
      }
    }
  } catch {
    return undefined;
  }
  if (!inode) return undefined;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      for (const fd of readdirSync(`/proc/${entry}/fd`)) {
        if (readlinkSync(`/proc/${entry}/fd/${fd}`) === `socket:[${inode}]`) {
          const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
          return { pid: Number(entry), command: command.length > 120 ? `${command.slice(0, 117)}...` : command };
        }
      }
    } catch {
      // Another user's process or one that just exited: not ours to read.
    }
  }
  return undefined;
}
