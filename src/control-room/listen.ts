// `--listen host:port` for every server of ours; port 0 picks a free port.

export const DEFAULT_CONTROL_ROOM_LISTEN = '127.0.0.1:8475';

export class ListenError extends Error {}

export function parseListen(listen: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(listen.trim()) ?? /^()()(\d+)$/.exec(listen.trim());
  const port = match ? Number(match[3]) : NaN;
  if (!match || !Number.isInteger(port) || port > 65535) {
    throw new ListenError(`--listen: expected host:port like ${DEFAULT_CONTROL_ROOM_LISTEN}, got "${listen}"`);
  }
  return { host: match[1] || match[2] || '127.0.0.1', port };
}

export function urlOf(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
