// `gameday run <file> [--dry-run] [--out dir] [--rollback-strategy s] [--skip-unsupported]`: load and
// validate the experiment, run it, show progress on stderr and a summary on stdout. Exit codes
// (DESIGN.md): 0 held, 1 violated, 2 aborted (a guardrail, or an interruption), 3 invalid or unreachable
// (nothing touched), 4 internal error.
import type { Command } from 'commander';
import { ExperimentFileError, loadExperimentFile } from '../experiment/load-file.js';
import { formatEvent, formatPlan, formatProgress, formatSummary } from '../experiment/progress.js';
import { runExperiment } from '../experiment/run.js';
import { TargetError } from '../experiment/target-kinds.js';
import { runLoad } from '../load/run-load.js';
import { createLogger } from '../observe/log.js';
import { writeReports } from '../report/write-reports.js';
import { storeLocation } from '../store/database.js';
import type { Store } from '../store/engine.js';
import { ExitCode, type CommandRegistration } from './command.js';
import { afterRun } from './run-end-hooks.js';
import { openStoreFor, storeOption } from './store-option.js';
import { ROLLBACK_STRATEGIES, type RollbackStrategy } from '../experiment/chaostoolkit/document.js';

export const registerRun: CommandRegistration = (program: Command) => {
  storeOption(
    program
      .command('run')
      .description('Run an experiment (YAML/JSON, or a Chaos Toolkit experiment)')
      .argument('<file>', 'the experiment file')
      .option('--dry-run', 'print what would be touched, in which order, for how long; touch nothing')
      .option('--out <dir>', 'the run folder (default <GAMEDAY_HOME>/runs/<runId>, GAMEDAY_HOME being $GAMEDAY_HOME, $XDG_STATE_HOME/gameday or ~/.gameday)')
      .option('--rollback-strategy <strategy>', `Chaos Toolkit experiments: when rollbacks run (${ROLLBACK_STRATEGIES.join(', ')}); as \`chaos run --rollback-strategy\``)
      .option('--skip-unsupported', 'Chaos Toolkit experiments: run what can run, skip the Python providers and controls (marked in the journal and the report)'),
  ).action(async (file: string, flags: RunFlags) => {
      process.exitCode = await runCommand(file, flags);
      // Everything is reverted and recorded by now; a socket to a wedged component must not keep the
      // process (and a CI job) alive, so exit shortly if nothing else lets the event loop drain.
      setTimeout(() => process.exit(), 1000).unref();
    });
};

interface RunFlags {
  dryRun?: boolean;
  out?: string;
  store?: string;
  rollbackStrategy?: string;
  skipUnsupported?: boolean;
}

async function runCommand(file: string, flags: RunFlags): Promise<number> {
  let loaded;
  try {
    loaded = await loadExperimentFile(file, { skipUnsupported: flags.skipUnsupported });
  } catch (error) {
    if (error instanceof ExperimentFileError) {
      process.stderr.write(`${error.message}\nnothing was touched.\n`);
      return ExitCode.invalid;
    }
    throw error;
  }
  if (flags.rollbackStrategy !== undefined) {
    if (!loaded.chaostoolkit) {
      process.stderr.write(`${file}: --rollback-strategy applies to Chaos Toolkit experiments; a GameDay experiment always runs its rollbacks\nnothing was touched.\n`);
      return ExitCode.invalid;
    }
    if (!ROLLBACK_STRATEGIES.includes(flags.rollbackStrategy as RollbackStrategy)) {
      process.stderr.write(`--rollback-strategy: expected one of ${ROLLBACK_STRATEGIES.join(', ')}, got "${flags.rollbackStrategy}"\nnothing was touched.\n`);
      return ExitCode.invalid;
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
  const onSigint = () => interrupt.abort();
  process.once('SIGINT', onSigint);
  process.once('SIGTERM', onSigint);
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
    return outcome.exitCode;
  } catch (error) {
    if (error instanceof TargetError) {
      process.stderr.write(`${loaded.file}: ${error.message}\nnothing was touched.\n`);
      return ExitCode.invalid;
    }
    process.stderr.write(`gameday run: internal error: ${(error as Error).stack ?? error}\n`);
    return ExitCode.internal;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    await db?.close();
  }
}
