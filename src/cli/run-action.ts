import { ExperimentFileError, loadExperimentFile } from '../experiment/load-file.js';
import { formatEvent, formatPlan, formatProgress, formatSummary } from '../experiment/progress.js';
import { runExperiment } from '../experiment/run.js';
import { drillIncidents } from '../incidents/drills.js';
import { TargetError } from '../experiment/target-kinds.js';
import { runLoad } from '../load/run-load.js';
import { createLogger } from '../observe/log.js';
import { writeReports } from '../report/write-reports.js';
import { storeLocation } from '../store/location.js';
import type { Store } from '../store/engine.js';
import { ExitCode } from './command.js';
import { afterRun } from './run-end-hooks.js';
import { openStoreFor } from './store-option.js';
import { ROLLBACK_STRATEGIES, type RollbackStrategy } from '../journal/chaostoolkit-words.js';
import { JUnitOutput, REACHABLE, VALID } from './junit-option.js';

/** The action of `gameday run`, loaded when it runs (the verb's definition is in run-command.ts). */
export async function runRun(file: string, flags: RunFlags): Promise<void> {
  const junit = new JUnitOutput(flags.junit, file);
  process.exitCode = junit.write(await runCommand(file, flags, junit));
  // Everything is reverted and recorded by now; a socket to a wedged component must not keep the
  // process (and a CI job) alive, so exit shortly if nothing else lets the event loop drain.
  setTimeout(() => process.exit(), 1000).unref();
}

export interface RunFlags {
  dryRun?: boolean;
  out?: string;
  junit?: string;
  store?: string;
  rollbackStrategy?: string;
  skipUnsupported?: boolean;
}

async function runCommand(file: string, flags: RunFlags, junit: JUnitOutput): Promise<number> {
  const refuse = (check: string, reason: string, exitCode: number = ExitCode.invalid) => {
    process.stderr.write(`${reason}\nnothing was touched.\n`);
    junit.refused(check, reason, exitCode);
    return exitCode;
  };
  const unwritable = junit.problem();
  if (unwritable) {
    process.stderr.write(`${unwritable}\nnothing was touched.\n`);
    return ExitCode.invalid;
  }
  if (flags.dryRun && junit.file) return refuse('the run started', '--junit: a dry run checks nothing, so there is nothing to report; drop --dry-run or --junit');
  let loaded;
  try {
    loaded = await loadExperimentFile(file, { skipUnsupported: flags.skipUnsupported });
  } catch (error) {
    if (error instanceof ExperimentFileError) return refuse(VALID, error.message);
    throw error;
  }
  if (flags.rollbackStrategy !== undefined) {
    if (!loaded.chaostoolkit) return refuse(VALID, `${file}: --rollback-strategy applies to Chaos Toolkit experiments; a GameDay experiment always runs its rollbacks`);
    if (!ROLLBACK_STRATEGIES.includes(flags.rollbackStrategy as RollbackStrategy)) {
      return refuse(VALID, `--rollback-strategy: expected one of ${ROLLBACK_STRATEGIES.join(', ')}, got "${flags.rollbackStrategy}"`);
    }
  }
  // Named once, before anything runs; warnings reach the console through the run's journal (or here, in a dry run).
  for (const line of [...(flags.dryRun ? (loaded.chaostoolkit?.warnings ?? []) : []), ...(loaded.chaostoolkit?.skipped ?? []).map((s) => `${s}: will be skipped (--skip-unsupported)`)]) {
    process.stderr.write(`${line}\n`);
  }
  let db: Store | undefined;
  if (!flags.dryRun) {
    db = await openStoreFor('run', storeLocation(flags.store), 'nothing was touched.\n');
    if (!db) return ExitCode.invalid;
  }
  const interrupt = new AbortController();
  // A persistent listener, not `once`: after one signal, a second would get Node's default and end the
  // process without its exit hooks (which kill a Chaos Toolkit process activity's group). The second exits.
  const onSigint = () => {
    if (!interrupt.signal.aborted) return interrupt.abort();
    process.stderr.write('\ngameday run: forced to quit; running processes are killed and every fault lease expires within its TTL\n');
    process.exit(ExitCode.aborted);
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  const tty = process.stderr.isTTY === true;
  let lastLine = 0;
  try {
    const outcome = await runExperiment({
      loaded,
      runLoad,
      writeReports,
      log: createLogger('run', process.env.GAMEDAY_LOG_LEVEL ?? 'warn'),
      dryRun: flags.dryRun,
      outDir: flags.out,
      rollbackStrategy: flags.rollbackStrategy as RollbackStrategy | undefined,
      store: db,
      drills: db && drillIncidents(db),
      signal: interrupt.signal,
      onEvent: (event) => {
        const line = formatEvent(event);
        if (line) process.stderr.write(`${tty ? '\r\x1b[K' : ''}${line}\n`);
      },
      onProgress: (progress) => {
        // One updating line on a terminal; in CI logs, a line every two seconds.
        if (tty) process.stderr.write(`\r\x1b[K${formatProgress(progress).slice(0, (process.stderr.columns ?? 120) - 1)}`);
        else if (progress.elapsedMs - lastLine >= 2000) {
          lastLine = progress.elapsedMs;
          process.stderr.write(`${formatProgress(progress)}\n`);
        }
      },
    });
    if (tty) process.stderr.write('\r\x1b[K');
    if (outcome.verdict === 'dry-run') {
      process.stdout.write(`${formatPlan(outcome.blastRadius, outcome.plan)}\n\ndry run: nothing was touched.\n`);
    } else {
      process.stdout.write(`\n${formatSummary(outcome)}\n`);
      for (const line of db ? await afterRun(db, { outcome, cwd: process.cwd() }) : []) process.stdout.write(`${line}\n`);
    }
    if (outcome.journal) junit.ran(outcome.journal, loaded.experiment, outcome.folder);
    return outcome.exitCode;
  } catch (error) {
    if (error instanceof TargetError) return refuse(REACHABLE, `${loaded.file}: ${error.message}`);
    process.stderr.write(`gameday run: internal error: ${(error as Error).stack ?? error}\n`);
    junit.refused('no internal error', `gameday run: internal error: ${(error as Error).message ?? error}`, ExitCode.internal);
    return ExitCode.internal;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    await db?.close();
  }
}
