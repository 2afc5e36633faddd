import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { alive, waitFor } from './helpers.js';

const host = fileURLToPath(new URL('./fixtures/fleet-host.js', import.meta.url));

async function startHost(t: { after: (fn: () => void) => void }): Promise<{ pid: number; children: number[] }> {
  const child = spawn(process.execPath, [host], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, GAMEDAY_LOG_LEVEL: 'silent' } });
  let children: number[] = [];
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
    for (const pid of children) if (alive(pid)) process.kill(pid, 'SIGKILL');
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  await waitFor('the fleet host to print its children', () => out.includes('\n'), 30_000);
  children = JSON.parse(out.split('\n')[0]) as number[];
  return { pid: child.pid!, children };
}

for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
  test(`no instance or burner outlives a fleet whose process gets ${signal}`, async (t) => {
    const { pid, children } = await startHost(t);
    assert.equal(children.length, 5);
    assert.ok(children.every(alive), 'all children run before the kill');
    process.kill(pid, signal);
    await waitFor(`every child to die after ${signal} of the parent`, () => children.every((c) => !alive(c)), 10_000);
  });
}
