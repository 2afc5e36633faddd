import { hostname } from 'node:os';
import { RunStore, type RunRecord } from '../store/runs.js';
import { processAlive } from '../store/sqlite-engine.js';
import { ExitCode } from './command.js';
import { describeLocation } from '../store/location.js';
import { withStore } from './store-option.js';

/** The action of `gameday runs`, loaded when it runs (the verb's definition is in runs-command.ts). */
export async function runRuns(flags: { limit: string; json?: boolean; store?: string }): Promise<void> {
  const limit = Number(flags.limit);
  if (!/^\s*\d+\s*$/.test(flags.limit) || !Number.isInteger(limit) || limit < 1) {
    process.stderr.write(`gameday runs: -n/--limit must be a whole number of runs (1 or more), got "${flags.limit}"\n`);
    process.exitCode = ExitCode.invalid;
    return;
  }
  await withStore('runs', flags.store, async (db, location) => {
    const runs = await new RunStore(db!).recent(limit);
    if (flags.json) return void process.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
    process.stdout.write(`store: ${describeLocation(location)}\n`);
    if (runs.length === 0) return void process.stdout.write('no runs yet; start one with `gameday run <experiment>`\n');
    const rows = [['run', 'started', 'title', 'verdict', 'exit', 'duration', 'folder']];
    for (const run of runs) {
      const duration = run.endedAt ? `${((Date.parse(run.endedAt) - Date.parse(run.startedAt)) / 1000).toFixed(1)}s` : '';
      const verdict = run.status === 'running' ? liveness(run) : `${run.verdict ?? '?'}${run.status === 'halted' ? ' (halted)' : ''}`;
      rows.push([run.id, run.startedAt.replace('T', ' ').slice(0, 19), run.title.slice(0, 40), verdict, run.exitCode === null ? '' : String(run.exitCode), duration, run.folder]);
    }
    const widths = rows[0].map((_, col) => Math.max(...rows.map((row) => row[col].length)));
    for (const row of rows) process.stdout.write(`${row.map((cell, col) => cell.padEnd(widths[col])).join('  ').trimEnd()}\n`);
  });
}

/** A run without an end is running, or died (kill -9 never records an end); only a run on this host can be checked. */
function liveness(run: RunRecord): string {
  if (run.host && run.host !== hostname()) return `running on ${run.host}`;
  return processAlive(run.pid) ? 'running' : 'died (no end recorded; its leases expired)';
}
