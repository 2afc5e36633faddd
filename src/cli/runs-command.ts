// `gameday runs`: the history of runs from the store, newest first.
import type { Command } from 'commander';
import { openStore } from '../store/database.js';
import { storePath } from '../store/home.js';
import { RunStore } from '../store/runs.js';
import { ExitCode, type CommandRegistration } from './command.js';

/** Whether the run's process still exists (a run killed with -9 never records its end). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export const registerRuns: CommandRegistration = (program: Command) => {
  program
    .command('runs')
    .description('List recent runs: verdict, exit code, duration, run folder')
    .option('-n, --limit <count>', 'how many runs', '20')
    .option('--json', 'print JSON instead of a table')
    .action((flags: { limit: string; json?: boolean }) => {
      const limit = Number(flags.limit);
      if (!/^\s*\d+\s*$/.test(flags.limit) || !Number.isInteger(limit) || limit < 1) {
        process.stderr.write(`gameday runs: -n/--limit must be a whole number of runs (1 or more), got "${flags.limit}"\n`);
        process.exitCode = ExitCode.invalid;
        return;
      }
      const path = storePath();
      const db = openStore(path);
      try {
        const runs = new RunStore(db).recent(limit);
        if (flags.json) return void process.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
        process.stdout.write(`store: ${path}\n`);
        if (runs.length === 0) return void process.stdout.write('no runs yet; start one with `gameday run <experiment>`\n');
        const rows = [['run', 'started', 'title', 'verdict', 'exit', 'duration', 'folder']];
        for (const run of runs) {
          const duration = run.endedAt ? `${((Date.parse(run.endedAt) - Date.parse(run.startedAt)) / 1000).toFixed(1)}s` : '';
          const verdict =
            run.status === 'running'
              ? alive(run.pid) ? 'running' : 'died (no end recorded; its leases expired)'
              : `${run.verdict ?? '?'}${run.status === 'halted' ? ' (halted)' : ''}`;
          rows.push([run.id, run.startedAt.replace('T', ' ').slice(0, 19), run.title.slice(0, 40), verdict, run.exitCode === null ? '' : String(run.exitCode), duration, run.folder]);
        }
        const widths = rows[0].map((_, col) => Math.max(...rows.map((row) => row[col].length)));
        for (const row of rows) process.stdout.write(`${row.map((cell, col) => cell.padEnd(widths[col])).join('  ').trimEnd()}\n`);
      } finally {
        db.close();
      }
    });
};
