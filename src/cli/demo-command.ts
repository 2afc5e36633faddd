// `gameday demo [experiment] [--keep] [--quick] [--assembler-timeouts on|off] [--out dir]`: start the demo
// world, run the flagship GameDay (or the given experiment) against it, show progress on stderr and the
// summary on stdout, and stop the world. Exit codes as `gameday run` (DESIGN.md): 0 held, 1 violated,
// 2 aborted (a guardrail, or Ctrl-C), 3 invalid experiment, a port of the world taken or a world that did
// not become ready (nothing was touched), 4 internal error.
import type { Command } from 'commander';
import { formatDuration } from '../units/units.js';
import { WorldNotReadyError } from '../demo/readiness.js';
import { runDemo, type DemoOutcome } from '../demo/run-demo.js';
import { WorldVariantError } from '../demo/world-variant.js';
import { PortInUseError, type World } from '../demo/world.js';
import { describePages } from '../demo/page-tally.js';
import { ExperimentFileError } from '../experiment/load-file.js';
import { formatEvent, formatProgress, formatSummary } from '../experiment/progress.js';
import { TargetError } from '../experiment/target-kinds.js';
import { runLoad } from '../load/run-load.js';
import { createLogger } from '../observe/log.js';
import { writeReports } from '../report/write-reports.js';
import { storeLocation } from '../store/database.js';
import { ExitCode, type CommandRegistration } from './command.js';
import { afterRun } from './run-end-hooks.js';
import { openStoreFor, STORE_FLAG, STORE_HELP } from './store-option.js';

interface DemoFlags {
  keep?: boolean;
  quick?: boolean;
  assemblerTimeouts?: string;
  out?: string;
  store?: string;
}

export const registerDemoCommand: CommandRegistration = (program: Command) => {
  program
    .command('demo')
    .description('Start the demo shop (two regions, ~20 processes), run a GameDay against it, show the verdict, stop it')
    .argument('[experiment]', 'the experiment to run against the world (default: the flagship, examples/peak-gameday.yaml)')
    .option('--keep', 'leave the world running after the run and print its URLs (Ctrl-C stops it)')
    .option('--quick', 'run the experiment on a compressed clock (waits and durations halved; for CI)')
    .option('--assembler-timeouts <on|off>', 'off: the naive assembler without timeouts or circuit breakers (default: what the file\'s "# gameday-demo:" line says, else on)')
    .option('--out <dir>', 'the run folder (default <GAMEDAY_HOME>/runs/<runId>, GAMEDAY_HOME being $GAMEDAY_HOME, $XDG_STATE_HOME/gameday or ~/.gameday)')
    .option(STORE_FLAG, STORE_HELP)
    .action(async (file: string | undefined, flags: DemoFlags) => {
      process.exitCode = await demoCommand(file, flags);
    });
};

async function demoCommand(file: string | undefined, flags: DemoFlags): Promise<number> {
  if (flags.assemblerTimeouts !== undefined && !['on', 'off'].includes(flags.assemblerTimeouts)) {
    process.stderr.write(`gameday demo: --assembler-timeouts: expected on or off, got "${flags.assemblerTimeouts}"; nothing was started.\n`);
    return ExitCode.invalid;
  }
  const location = storeLocation(flags.store);
  const db = await openStoreFor('demo', location, 'nothing was started.\n');
  if (!db) return ExitCode.invalid;
  const interrupt = new AbortController();
  // A persistent listener, not `once`: the fleet's process guard re-raises a signal nobody else listens to,
  // which would end this process before the run has reverted its faults.
  const onSignal = () => {
    if (interrupt.signal.aborted) forceQuit();
    process.stderr.write('\ngameday demo: interrupted — reverting every fault and stopping the world (Ctrl-C again to force)\n');
    interrupt.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // The world's components run in this process; one of them failing to handle an error for one request
  // must not take the whole world down mid-run and leave the run unfinished. Said once, loudly.
  let strayErrors = 0;
  const onStray = (error: unknown) => {
    if (strayErrors++ === 0) process.stderr.write(`\ngameday demo: a world component left an error unhandled (${(error as Error)?.stack?.split('\n').slice(0, 2).join(' ') ?? error}); the demo continues\n`);
  };
  process.on('unhandledRejection', onStray);
  const tty = process.stderr.isTTY === true;
  let lastLine = 0;
  const clear = tty ? '\r\x1b[K' : '';
  try {
    const outcome = await runDemo({
      file,
      keep: flags.keep,
      quick: flags.quick,
      naiveAssembler: flags.assemblerTimeouts === undefined ? undefined : flags.assemblerTimeouts === 'off',
      outDir: flags.out,
      log: createLogger('demo', process.env.GAMEDAY_LOG_LEVEL ?? 'error'),
      runLoad,
      writeReports,
      store: db,
      storeLocation: location.engine === 'sqlite' ? location.path : location.url,
      signal: interrupt.signal,
      onLine: (line) => process.stderr.write(`${clear}${line}\n`),
      onEvent: (event) => {
        const line = formatEvent(event);
        if (line) process.stderr.write(`${clear}${line}\n`);
      },
      onProgress: (progress, pages) => {
        const shop = pages ? ` | pages/s ${pages.full} full ${pages.degraded} degraded ${pages.failed} failed` : '';
        const text = `${formatProgress(progress)}${shop}`;
        if (tty) process.stderr.write(`${clear}${text.slice(0, (process.stderr.columns ?? 120) - 1)}`);
        else if (progress.elapsedMs - lastLine >= 2000) {
          lastLine = progress.elapsedMs;
          process.stderr.write(`${text}\n`);
        }
      },
    });
    process.stderr.write(clear);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (outcome.interrupted) {
      process.stdout.write('interrupted before the run started: nothing was injected; the world is stopped.\n');
      return ExitCode.aborted;
    }
    process.stdout.write(`\n${formatSummary(outcome.run!)}\n${formatSegments(outcome)}\n`);
    if (outcome.busyMachine) process.stdout.write(`${outcome.busyMachine}\n`);
    // A --quick run is the experiment on a compressed clock, not the experiment as written: it verifies nothing.
    if (!flags.quick) for (const line of await afterRun(db, { outcome: outcome.run!, cwd: process.cwd() })) process.stdout.write(`${line}\n`);
    if (outcome.world) await keepRunning(outcome.world);
    else process.stdout.write('the demo world is stopped; every fault was reverted.\n');
    return outcome.run!.exitCode;
  } catch (error) {
    if (error instanceof ExperimentFileError || error instanceof WorldVariantError) {
      process.stderr.write(`${error.message}\nnothing was started.\n`);
      return ExitCode.invalid;
    }
    if (error instanceof PortInUseError || error instanceof TargetError || error instanceof WorldNotReadyError) {
      process.stderr.write(`gameday demo: ${error.message}\n`);
      return ExitCode.invalid;
    }
    process.stderr.write(`gameday demo: internal error: ${(error as Error).stack ?? error}\nevery process the demo started was stopped.\n`);
    return ExitCode.internal;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('unhandledRejection', onStray);
    if (strayErrors > 1) process.stderr.write(`gameday demo: ${strayErrors} unhandled errors in world components in all\n`);
    await db.close();
  }
}

function formatSegments(outcome: DemoOutcome): string {
  if (outcome.segments.length === 0) return '';
  const width = Math.max(...outcome.segments.map((s) => s.label.length));
  const lines = [`what the shop did, step by step${outcome.naiveAssembler ? ' (naive assembler: no timeouts, no circuit breakers)' : ''}:`];
  for (const s of outcome.segments) {
    lines.push(`  ${formatDuration(s.startMs).padStart(6)}  ${s.label.padEnd(width)}  ${`${s.requests} requests, ${s.failedRequests} failed`.padEnd(28)} ${describePages(s.pages)}`);
  }
  return lines.join('\n');
}

/** A second Ctrl-C: exit now. The kernel and our exit hooks kill every process of the world; leases revert the rest. */
function forceQuit(): never {
  process.stderr.write('gameday demo: forced to quit; the world dies with this process, and every fault lease expires within its TTL\n');
  process.exit(ExitCode.aborted);
}

/** `--keep`: the world stays up until Ctrl-C; then every fault is reverted and every process stopped. */
async function keepRunning(world: World): Promise<void> {
  const u = world.urls;
  process.stdout.write(
    [
      '',
      'the demo world keeps running (Ctrl-C stops it):',
      `  shop page (via the region gateway)  ${u.page}`,
      `  fault proxy API (Toxiproxy)         ${u.proxy}/proxies`,
      `  dashboard (runs, live view, levers) ${u.dashboard}`,
      `  lever service                       ${u.levers}/levers`,
      `  fleet API                           ${u.fleet}/instances`,
      `  region gateway API                  ${u.gateway}/regions`,
      `  metrics                             ${u.metrics.join('\n                                      ')}`,
      '  run it again:                       gameday run examples/peak-gameday.yaml',
      '',
    ].join('\n'),
  );
  let stopping = false;
  const onSignal = () => (stopping ? forceQuit() : (stopping = true));
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  while (!stopping) await new Promise((resolve) => setTimeout(resolve, 100));
  process.stderr.write('gameday demo: stopping the world (Ctrl-C again to force)\n');
  await world.stop();
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  process.stdout.write('the demo world is stopped; every fault was reverted.\n');
}
