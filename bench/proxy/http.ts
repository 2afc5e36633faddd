// HTTP through the proxy against HAProxy in TCP mode, both in front of the same nginx: wrk on core 0,
// A B A B pairs after a warm-up, requests/s, latency, and the CPU each proxy spent per request (a figure
// that a shared, busy machine disturbs far less than requests/s).
import { execFileSync } from 'node:child_process';
import type { Figure } from '../harness.js';
import { cpuMicros, floor, LOAD_CORE, lowerIsBetter, requestRate, type Peers } from './peers.js';

export const HTTP_SIZES = [
  { label: '1 KiB', file: '1k.bin', bytes: 1024, target: 0.9 },
  { label: '64 KiB', file: '64k.bin', bytes: 65536, target: 0.8 },
];

const PAIRS = 5;
const SECONDS = 2;
const CONNECTIONS = 50;

export interface WrkResult {
  rps: number;
  transferMBps: number;
  p50: number;
  p99: number;
  errors: number;
  requests: number;
}

function ms(text: string): number {
  const match = /^([\d.]+)(us|ms|s)$/.exec(text);
  if (!match) return NaN;
  return Number(match[1]) * (match[2] === 'us' ? 0.001 : match[2] === 's' ? 1000 : 1);
}

function mb(text: string): number {
  const match = /^([\d.]+)([KMG]?)B$/.exec(text);
  if (!match) return NaN;
  return Number(match[1]) * ({ '': 1e-6, K: 1 / 1024, M: 1, G: 1024 }[match[2]] ?? 1);
}

export function wrk(url: string, seconds: number, connections: number): WrkResult {
  const out = execFileSync('taskset', ['-c', LOAD_CORE, 'wrk', '-t1', `-c${connections}`, `-d${seconds}s`, '--latency', url], {
    encoding: 'utf8',
    timeout: (seconds + 20) * 1000,
  });
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]),
    transferMBps: mb(/Transfer\/sec:\s+(\S+)/.exec(out)?.[1] ?? ''),
    p50: ms(/\s50%\s+(\S+)/.exec(out)?.[1] ?? ''),
    p99: ms(/\s99%\s+(\S+)/.exec(out)?.[1] ?? ''),
    errors: non2xx + (socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0),
    requests: Number(/(\d+) requests in/.exec(out)?.[1] ?? NaN),
  };
}

/** One wrk run with the CPU the proxy process (`pid`) spent on it, per request. */
function measured(url: string, pid: number): WrkResult & { cpuPerRequest: number } {
  const before = cpuMicros(pid);
  const result = wrk(url, SECONDS, CONNECTIONS);
  return { ...result, cpuPerRequest: (cpuMicros(pid) - before) / result.requests };
}

export function httpFigures(peers: Peers, say: (line: string) => void): { figures: Figure[]; details: Record<string, unknown>; errors: number } {
  const url = (port: number, file: string) => `http://127.0.0.1:${port}/${file}`;
  const figures: Figure[] = [];
  const details: Record<string, unknown> = {};
  let errors = 0;
  for (const size of HTTP_SIZES) {
    say(`${size.label} HTTP: warm-up, direct floor, ${PAIRS} pairs of ${SECONDS} s`);
    wrk(url(peers.haproxy.http, size.file), 1, CONNECTIONS);
    wrk(url(peers.ours.http, size.file), 1, CONNECTIONS);
    const direct = wrk(url(peers.nginxPort, size.file), SECONDS, CONNECTIONS);
    const a: Array<ReturnType<typeof measured>> = [];
    const b: Array<ReturnType<typeof measured>> = [];
    for (let i = 0; i < PAIRS; i++) {
      b.push(measured(url(peers.haproxy.http, size.file), peers.haproxy.pid));
      a.push(measured(url(peers.ours.http, size.file), peers.ours.pid));
    }
    errors += [direct, ...a, ...b].reduce((sum, r) => sum + r.errors, 0);
    details[`http ${size.label}`] = { direct, ours: a, haproxy: b };
    figures.push(requestRate(`HTTP ${size.label}`, a, b, size.target));
    figures.push(
      ...lowerIsBetter(`HTTP ${size.label}`, a, b, [
        ['p50', 'p50 latency', 'ms'],
        ['p99', 'p99 latency', 'ms'],
        ['cpuPerRequest', 'proxy CPU per request', 'µs'],
      ]),
      floor(`HTTP ${size.label}`, direct.rps),
    );
  }
  return { figures, details, errors };
}
