import { connect } from 'node:net';
import type { Experiment } from './schema.js';
import { TargetError } from './target-kinds.js';

// Loads, probes and queries measure the service: if it cannot even be connected to, the run would only measure its
// absence, so the run stops here with exit 3, before anything is touched.
export async function checkSourcesReachable(experiment: Experiment, timeoutMs = 3000): Promise<void> {
  const urls = new Map<string, string>();
  for (const [name, load] of Object.entries(experiment.loads)) urls.set(`load ${name}`, load.url);
  for (const [name, probe] of Object.entries(experiment.probes)) urls.set(`probe ${name}`, probe.url);
  for (const [name, query] of Object.entries(experiment.queries)) urls.set(`query ${name}`, query.prometheus);
  await Promise.all(
    [...urls].map(async ([what, url]) => {
      const { hostname, port, protocol } = new URL(url);
      const host = hostname.replace(/^\[|\]$/g, '');
      try {
        await tcpConnect(host, Number(port || (protocol === 'https:' ? 443 : 80)), timeoutMs);
      } catch (error) {
        throw new TargetError(`${what}: ${url} is unreachable (${(error as Error).message}); nothing was touched`);
      }
    }),
  );
}

function tcpConnect(host: string, port: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no answer within ${timeoutMs}ms`)));
    socket.once('connect', () => {
      socket.end();
      resolve();
    });
    socket.once('error', (error: NodeJS.ErrnoException) => reject(new Error(error.code ?? error.message)));
  });
}
