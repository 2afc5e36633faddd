import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { MachineLoadSampler } from '../../src/observe/machine-load.js';

/** utime + stime of a process in clock ticks (USER_HZ, 100 on Linux). */
function ticks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test("a child's or a watched process's CPU counts as our own, an unwatched one's as other programs', and a newly watched process's past is not counted", async (t) => {
  const burner = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
  t.after(() => burner.kill('SIGKILL'));
  const pid = burner.pid!;
  await sleep(1000); // the burner has a past before anyone watches it
  const sampler = new MachineLoadSampler(250);
  sampler.start();
  t.after(() => sampler.stop());

  // Until told otherwise, this process and its children are ours: the burner is our child.
  const childFrom = Date.now();
  const ticksChild = ticks(pid);
  await sleep(1500);
  const burnerAsChild = (ticks(pid) - ticksChild) / 100 / ((Date.now() - childFrom) / 1000);
  const asChild = sampler.summary(1, childFrom + 300);

  sampler.watch(() => [process.pid]);
  await sleep(300);
  const unwatchedFrom = Date.now();
  const ticksBefore = ticks(pid);
  await sleep(2000);
  const burnerUnwatched = (ticks(pid) - ticksBefore) / 100 / ((Date.now() - unwatchedFrom) / 1000);
  const unwatched = sampler.summary(1, unwatchedFrom);

  sampler.watch(() => [process.pid, pid]);
  await sleep(300); // the first interval after watch() only takes the burner's baseline
  const watchedFrom = Date.now();
  const ticksWatched = ticks(pid);
  await sleep(2000);
  const burnerWatched = (ticks(pid) - ticksWatched) / 100 / ((Date.now() - watchedFrom) / 1000);
  const watched = sampler.summary(1, watchedFrom - 300);

  t.diagnostic(`burner ${burnerUnwatched.toFixed(2)} then ${burnerWatched.toFixed(2)} cores; unwatched: own ${JSON.stringify(unwatched.ownCores)} other ${JSON.stringify(unwatched.otherCores)}; watched: own ${JSON.stringify(watched.ownCores)} other ${JSON.stringify(watched.otherCores)}; load ${unwatched.loadAverage.mean}`);
  assert.ok(unwatched.seconds >= 4, `sampled ${unwatched.seconds} intervals`);
  assert.ok(asChild.ownCores.mean >= 0.5 * burnerAsChild, `a child counts as ours by default: ${JSON.stringify(asChild.ownCores)}, burner ${burnerAsChild.toFixed(2)}`);
  assert.equal(unwatched.cores, watched.cores);
  assert.ok(unwatched.otherCores.mean >= 0.5 * burnerUnwatched, 'the unwatched burner is another program');
  assert.ok(unwatched.ownCores.mean < 0.5 * burnerUnwatched + 0.1, 'and not ours');
  assert.ok(watched.ownCores.mean >= 0.5 * burnerWatched, 'once watched, its CPU is ours');
  // Counting its past would put seconds of CPU into one quarter-second interval: several cores.
  assert.ok(watched.ownCores.max <= 1.5, `no interval counts the burner's past: max ${watched.ownCores.max} cores`);
});
