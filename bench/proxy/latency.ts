// The latency toxic, measured: how closely it delays by what was asked (one client, sequential Redis
// PINGs, the added delay at p50 and p99), and that it does not cap throughput (Toxiproxy's own test asks
// for more than 100 MB/s through a 100 ms latency).
import { connect } from 'node:net';
import { connectProxy } from '../../src/proxy/client.js';
import type { Figure } from '../harness.js';
import type { Peers } from './peers.js';
import { redisBenchmark } from './redis.js';

const REQUESTED_MS = [1, 5, 10, 20];
export const BIG_FILE = { name: 'big.bin', bytes: 64 * 1024 * 1024 };

function pings(port: number, latencyMs: number): Promise<{ p50: number; p99: number }> {
  // About two seconds of PINGs, one at a time; never fewer than 200.
  const requests = Math.max(200, Math.round(2000 / Math.max(latencyMs, 1)));
  return redisBenchmark(port, 'ping_mbulk', ['-c', '1', '-n', String(requests)]);
}

/** MB/s of one HTTP download of the big file, from its first byte to its last. */
function download(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let first = 0;
    let bytes = 0;
    const socket = connect({ port, host: '127.0.0.1' }, () => socket.write(`GET /${BIG_FILE.name} HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n`));
    socket.on('data', (chunk: Buffer) => {
      if (first === 0) first = performance.now();
      bytes += chunk.length;
    });
    socket.on('error', reject);
    socket.on('close', () => {
      if (bytes < BIG_FILE.bytes) return reject(new Error(`download through port ${port} ended after ${bytes} bytes`));
      resolve(bytes / 1e6 / ((performance.now() - first) / 1000));
    });
  });
}

export async function latencyFigures(peers: Peers, say: (line: string) => void): Promise<{ figures: Figure[]; details: Record<string, unknown> }> {
  const control = connectProxy(peers.ours.controlUrl);
  const figures: Figure[] = [];
  const details: Record<string, unknown> = {};
  try {
    say(`latency toxic accuracy: ${REQUESTED_MS.join(' / ')} ms on the downstream, sequential Redis PINGs`);
    await pings(peers.ours.redisToxic, 0);
    const plain = await pings(peers.ours.redisToxic, 0);
    details['PING without toxic'] = plain;
    for (const requested of REQUESTED_MS) {
      await control.addToxic('redis-toxic', { name: 'lat', type: 'latency', stream: 'downstream', attributes: { latency: requested } });
      const measured = await pings(peers.ours.redisToxic, requested);
      await control.removeToxic('redis-toxic', 'lat');
      details[`PING with latency ${requested} ms`] = measured;
      // What the toxic added: the round trip with it, less the round trip without it.
      const addedP50 = measured.p50 - plain.p50;
      const addedP99 = measured.p99 - plain.p50;
      figures.push(
        {
          benchmark: 'proxy',
          figure: `latency toxic ${requested} ms: added at p50`,
          ours: addedP50,
          baselineName: 'requested',
          baseline: requested,
          ratio: null,
          target: `${requested}–${requested + 0.3} ms`,
          met: addedP50 >= requested - 0.05 && addedP50 <= requested + 0.3,
          unit: 'ms',
        },
        {
          benchmark: 'proxy',
          figure: `latency toxic ${requested} ms: added at p99`,
          ours: addedP99,
          baselineName: 'requested',
          baseline: requested,
          ratio: null,
          target: `≤ ${requested + 2} ms`,
          met: addedP99 <= requested + 2,
          unit: 'ms',
        },
      );
    }

    say('throughput through a 100 ms latency toxic: a 64 MiB download, first byte to last');
    const without = await download(peers.ours.httpToxic);
    await control.addToxic('http-toxic', { name: 'lat', type: 'latency', stream: 'downstream', attributes: { latency: 100 } });
    const through = await download(peers.ours.httpToxic);
    await control.removeToxic('http-toxic', 'lat');
    details['download MB/s'] = { without, withLatency100ms: through };
    figures.push({
      benchmark: 'proxy',
      figure: 'throughput through a 100 ms latency toxic',
      ours: through,
      baselineName: 'no toxic',
      baseline: without,
      ratio: { median: through / without, min: through / without, max: through / without },
      target: '> 100 MB/s',
      met: through > 100,
      unit: 'MB/s',
    });
  } finally {
    await control.close();
  }
  return { figures, details };
}
