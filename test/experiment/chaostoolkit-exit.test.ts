// A Chaos Toolkit process activity runs in a process group of its own, so the terminal's Ctrl-C and a
// supervisor's SIGTERM reach gameday but never the activity: whatever way gameday ends, it must take the
// activity's group with it, or a fault outlives its experiment. These tests run the real `gameday run`,
// give it activities that start grandchildren, signal it as a person or a supervisor would, and look in
// /proc for anything of those groups still alive.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { commandLine, liveGroupMembers, procStat } from '../proc.js';
import { journalOf, spawnGameday, tempHome, waitFor, type GamedayProcess, type GamedayResult } from './world.js';

let tags = 0;

/** A shell activity that records its process group, starts two sleeps and waits for them. */
function groupActivity(name: string, pgidFile: string): Record<string, unknown> {
  // A tag of its own in every sleep, so a stray process is recognisable in `ps` when a test fails.
  const tag = `${process.pid}${String(++tags).padStart(3, '0')}`;
  // Field 5 of cut's own stat is its process group, the activity's; no `$$`, which substitution may turn into `$`.
  const script = `cut -d' ' -f5 /proc/self/stat > ${pgidFile}; sleep 300.${tag} & sleep 301.${tag} & wait`;
  return { type: 'action', name, provider: { type: 'process', path: 'sh', arguments: ['-c', script] } };
}

/** The group an activity recorded in `home`, once the shell and both of its sleeps are running. */
async function groupRunning(dir: string, pgidFile: string, gameday: GamedayProcess): Promise<number> {
  const file = join(dir, pgidFile);
  let group = 0;
  await waitFor(`${pgidFile}'s shell and both sleeps (gameday said: ${gameday.stderr()})`, () => {
    if (!group && existsSync(file)) group = Number(readFileSync(file, 'utf8').trim()) || 0;
    return group > 0 && liveGroupMembers(group).length >= 3;
  }, 15_000);
  return group;
}

/** Each group recorded in `dir`: asserts that none of its processes is alive within a generous bound. */
async function assertNothingLeft(dir: string, pgidFiles: string[]): Promise<void> {
  const groups = pgidFiles.map((f) => Number(readFileSync(join(dir, f), 'utf8').trim()));
  const survivors = () => groups.flatMap((group) => liveGroupMembers(group));
  await waitFor('every process of the activities\' groups to end', () => survivors().length === 0, 5000).catch(() => {
    const described = survivors().map((pid) => `${pid} ${commandLine(pid)}`);
    assert.fail(`gameday ended but its activities' processes live on:\n${described.join('\n')}`);
  });
}

/** Starts `gameday run` on an experiment; t.after kills gameday and, by pid, whatever its activities left. */
function startRun(t: TestContext, experiment: Record<string, unknown>, args: string[]): { dir: string; gameday: GamedayProcess } {
  const home = tempHome();
  const file = home.write('experiment.json', JSON.stringify({ title: 'ctk exit', description: 'written for this test', ...experiment }));
  const gameday = spawnGameday(['run', file, ...args], home.dir);
  t.after(() => {
    if (gameday.child.exitCode === null && gameday.child.signalCode === null) gameday.child.kill('SIGKILL');
    // The runner kills this file's process group, which the activities are not in.
    for (const f of readdirSync(home.dir).filter((name) => name.endsWith('.pgid'))) {
      for (const pid of liveGroupMembers(Number(readFileSync(join(home.dir, f), 'utf8').trim()))) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Ended meanwhile.
        }
      }
    }
    home.remove();
  });
  return { dir: home.dir, gameday };
}

async function exited(gameday: GamedayProcess, timeoutMs: number): Promise<GamedayResult> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`gameday still running ${timeoutMs}ms after the signal:\n${gameday.stderr()}`)), timeoutMs);
  });
  try {
    return await Promise.race([gameday.done, late]);
  } finally {
    clearTimeout(timer);
  }
}

// The first signal stops the method (its group is killed) and the rollbacks run, in a group of their own
// that no signal reaches. A second signal while that rollback runs must end gameday through its exit hooks.
for (const [first, second] of [['SIGINT', 'SIGINT'], ['SIGTERM', 'SIGTERM'], ['SIGINT', 'SIGTERM']] as const) {
  test(`${first} then ${second} while a rollback runs: gameday is forced to quit and nothing of either activity lives on`, async (t) => {
    const { dir, gameday } = startRun(t, {
      method: [groupActivity('hold', 'method.pgid')],
      rollbacks: [groupActivity('slow-repair', 'rollback.pgid')],
    }, ['--rollback-strategy', 'always']);
    await groupRunning(dir, 'method.pgid', gameday);
    gameday.child.kill(first);
    await groupRunning(dir, 'rollback.pgid', gameday);
    gameday.child.kill(second);
    const result = await exited(gameday, 10_000);
    await assertNothingLeft(dir, ['method.pgid', 'rollback.pgid']);
    assert.equal(result.code, 2, `exit code (signal ${gameday.child.signalCode}):\n${result.stderr}`);
    assert.match(result.stderr, /gameday run: forced to quit; running processes are killed/);
  });
}

test('SIGTERM while a process activity runs: the run is interrupted, exit 2, and nothing it started lives on', async (t) => {
  const { dir, gameday } = startRun(t, { method: [groupActivity('hold', 'method.pgid')] }, []);
  await groupRunning(dir, 'method.pgid', gameday);
  gameday.child.kill('SIGTERM');
  const result = await exited(gameday, 10_000);
  await assertNothingLeft(dir, ['method.pgid']);
  assert.equal(result.code, 2, `exit code (signal ${gameday.child.signalCode}):\n${result.stderr}`);
  assert.equal(journalOf(result.stdout).chaostoolkit?.status, 'interrupted');
  assert.doesNotMatch(result.stderr, /forced to quit/, 'one signal is an interruption, not a forced quit');
});

// No hook runs when gameday is killed outright (kill -9, the OOM killer, a CI job's hard timeout): the
// activity's dead-man's switch, a process of its own, must notice and take the group down.
test('kill -9 of gameday while a process activity runs: nothing the activity started lives on', async (t) => {
  const { dir, gameday } = startRun(t, { method: [groupActivity('hold', 'method.pgid')] }, []);
  await groupRunning(dir, 'method.pgid', gameday);
  gameday.child.kill('SIGKILL');
  await exited(gameday, 10_000);
  await assertNothingLeft(dir, ['method.pgid']);
});

test('an activity that completes stops its switch, and leaves what it started on purpose running', async (t) => {
  const pidFile = 'daemon.pid';
  // A daemon the activity starts and leaves behind, as Chaos Toolkit allows; its output goes elsewhere, so the activity completes.
  const daemon = { type: 'action', name: 'start-daemon', provider: { type: 'process', path: 'sh', arguments: ['-c', `sleep 302.${process.pid} >/dev/null 2>&1 & echo $! > ${pidFile}`] } };
  const { dir, gameday } = startRun(t, { method: [daemon, { type: 'action', name: 'wait', provider: { type: 'process', path: 'sleep', arguments: ['1'] } }] }, []);
  const result = await exited(gameday, 30_000);
  const pid = Number(readFileSync(join(dir, pidFile), 'utf8').trim());
  t.after(() => {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  });
  assert.equal(result.code, 0, result.stderr);
  // The daemon is in the group of the activity that started it: a switch left for that group would kill it.
  const group = procStat(pid)?.pgrp ?? 0;
  assert.ok(group > 0, 'the daemon the activity left running is alive after gameday ended');
  const switches = () => readdirSync('/proc').filter((entry) => /^\d+$/.test(entry) && commandLine(Number(entry)).endsWith(`gameday-activity-switch ${group} `));
  await waitFor('the switches of finished activities to end', () => switches().length === 0, 5000);
  assert.ok(liveGroupMembers(group).includes(pid), 'the daemon the activity left running is still running (not a zombie) after gameday ended');
});
