import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { alive, waitFor } from './helpers.js';

const host = fileURLToPath(new URL('./fixtures/fleet-host.js', import.meta.url));

interface Host {
  pid: number;
  children: number[];
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

async function startHost(t: { after: (fn: () => void) => void }, args: string[] = []): Promise<Host> {
  const child = spawn(process.execPath, [host, ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, GAMEDAY_LOG_LEVEL: 'silent' } });
  let children: number[] = [];
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
    for (const pid of children) if (alive(pid)) process.kill(pid, 'SIGKILL');
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  await waitFor('the fleet host to print its children', () => out.includes('\n'), 30_000);
  children = JSON.parse(out.split('\n')[0]) as number[];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { pid: child.pid!, children, output: () => out, exited };
}

for (const signal of ['SIGKILL', 'SIGTERM', 'SIGINT'] as const) {
  test(`no instance or burner outlives a fleet whose process gets ${signal}`, async (t) => {
    const { pid, children } = await startHost(t);
    assert.equal(children.length, 5);
    assert.ok(children.every(alive), 'all children run before the kill');
    process.kill(pid, signal);
    await waitFor(`every child to die after ${signal} of the parent`, () => children.every((c) => !alive(c)), 10_000);
  });
}

test('a host that handles SIGINT itself keeps control of its shutdown, and still no child outlives it', async (t) => {
  // A CLI registers `process.once('SIGINT')` to revert faults and print a summary; the fleet's guard must kill
  // the instances without also re-raising SIGINT and killing the host before its handler finishes.
  const { pid, children, output, exited } = await startHost(t, ['--handles-sigint']);
  process.kill(pid, 'SIGINT');
  assert.deepEqual(await exited, { code: 0, signal: null }, 'the host exits through its own handler, not by the signal');
  assert.match(output(), /shut down by the host/);
  await waitFor('every child to die after the host exits', () => children.every((c) => !alive(c)), 10_000);
});
