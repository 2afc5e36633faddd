import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { connectionLimit } from '../../src/proxy/admission.js';
import { gamedayBin } from '../cli-process.js';
import { openDescriptors } from '../proc.js';
import { echoBehindConfig } from './helpers.js';

/**
 * Opens `count` connections at once (every connect before any answer); each sends a line, reads it back,
 * and holds its connection `holdMs` longer before closing it, so that all are open together.
 */
function callers(port: number, count: number, holdMs: number): Promise<{ answered: number; failed: string[] }> {
  return new Promise((resolve) => {
    let answered = 0;
    const failed: string[] = [];
    const settle = () => answered + failed.length === count && resolve({ answered, failed });
    for (let i = 0; i < count; i++) {
      const line = `caller ${i}\n`;
      let got = '';
      let done = false;
      const socket = connect({ port, host: '127.0.0.1' }, () => socket.write(line));
      const finish = (error?: string) => {
        if (done) return;
        done = true;
        socket.destroy();
        if (error) failed.push(error);
        else answered++;
        settle();
      };
      socket.on('data', (chunk: Buffer) => {
        got += chunk.toString();
        if (got === line) setTimeout(finish, holdMs);
        else if (got.length >= line.length) finish(`caller ${i} got ${JSON.stringify(got)}`);
      });
      socket.on('error', (error: NodeJS.ErrnoException) => finish(`caller ${i}: ${error.code ?? error.message}`));
      socket.on('close', () => finish(got === line ? undefined : `caller ${i}: closed unanswered`));
    }
  });
}

test('a proxy with too few descriptors for every caller at once makes the rest wait instead of closing them', async (t) => {
  const { config } = await echoBehindConfig(t);
  // 400 descriptors: room for 150 proxied connections (two each, a margin of 100); 200 callers at once
  // would need 400 for themselves alone.
  const child = spawn('sh', ['-c', 'ulimit -n 400 && exec "$0" "$@"', process.execPath, gamedayBin, 'proxy', '--listen', '127.0.0.1:0', '--config', config], {
    env: { ...process.env, GAMEDAY_LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  t.after(() => child.kill('SIGKILL'));
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  while (!/echo: 127\.0\.0\.1:\d+/.test(out)) await once(child.stdout, 'data');
  const port = Number(/echo: 127\.0\.0\.1:(\d+)/.exec(out)![1]);
  const idle = openDescriptors(child.pid!);
  for (let round = 0; round < 2; round++) {
    const { answered, failed } = await callers(port, 200, 500);
    assert.deepEqual(failed, []);
    assert.equal(answered, 200);
    // Every place is given back: the proxy returns to the descriptors it held idle. (Starting the next
    // round before would put 150 closing connections and 200 new callers over the limit at once.)
    const deadline = Date.now() + 10_000;
    while (openDescriptors(child.pid!) > idle && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(openDescriptors(child.pid!), idle, 'the proxy holds no descriptor of a closed caller');
  }
});

test('the connection limit is what the open-file limit leaves, two descriptors each, or none when unlimited', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gameday-limits-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const limits = join(dir, 'limits');
  writeFileSync(limits, 'Limit                     Soft Limit           Hard Limit           Units\nMax open files            20000                20000                files\n');
  assert.equal(connectionLimit(limits), 9950);
  writeFileSync(limits, 'Max open files            unlimited            unlimited            files\n');
  assert.equal(connectionLimit(limits), Number.POSITIVE_INFINITY);
  assert.equal(connectionLimit(join(dir, 'missing')), Number.POSITIVE_INFINITY);
});
