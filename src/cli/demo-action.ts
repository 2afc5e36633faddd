import { join } from 'node:path';
import { formatDuration } from '../units/units.js';
import { WorldNotReadyError } from '../demo/readiness.js';
import { FLAGSHIP, runDemo, type DemoOutcome } from '../demo/run-demo.js';
import { WorldVariantError } from '../demo/world-variant.js';
import { PortInUseError, type World } from '../demo/world.js';
import { describePages } from '../demo/page-tally.js';
import { ExperimentFileError } from '../experiment/load-file.js';
import { formatEvent, formatProgress, formatSummary } from '../experiment/progress.js';
import { TargetError } from '../experiment/target-kinds.js';
import { runLoad } from '../load/run-load.js';
import { createLogger } from '../observe/log.js';
import { writeReports } from '../report/write-reports.js';
import { storeLocation } from '../store/location.js';
import { ExitCode } from './command.js';
import { afterRun } from './run-end-hooks.js';
import { formatDebrief } from '../demo/debrief.js';
import type { DrillPeople } from '../experiment/drill.js';
import { openStoreFor } from './store-option.js';
import { JUnitOutput, REACHABLE, VALID } from './junit-option.js';

/** The test case a demo reports in its JUnit file when its world did not start (exit 3). */
const WORLD_STARTED = 'the demo world started and every region served on its own';

export interface DemoFlags {
  keep?: boolean;
  quick?: boolean;
  assemblerTimeouts?: string;
  out?: string;
  junit?: string;
  store?: string;
  facilitator?: string;
  commander?: string;
  ops?: string;
  comms?: string;
  scribe?: string;
}

/** The flags that name the people of a drill, and the role each fills. */
const DRILL_FLAGS = { facilitator: 'facilitator', commander: 'commander', ops: 'operations_lead', comms: 'communications_lead', scribe: 'scribe' } as const;

/** The people the flags name, or the flag that names nobody. */
function drillPeople(flags: DemoFlags): DrillPeople | string {
  const people: DrillPeople = {};
  for (const [flag, role] of Object.entries(DRILL_FLAGS) as [keyof typeof DRILL_FLAGS, keyof DrillPeople][]) {
    const name = flags[flag]?.trim();
    if (flags[flag] === undefined) continue;
    if (!name || name.length > 200) return `--${flag}: a name of 1 to 200 characters, got "${flags[flag]}"`;
    people[role] = name;
  }
  return people;
}

/** The action of `gameday demo`, loaded when it runs (the verb's definition is in demo-command.ts). */
export async function runDemoCommand(file: string | undefined, flags: DemoFlags): Promise<void> {
  const junit = new JUnitOutput(flags.junit, file ?? FLAGSHIP);
  process.exitCode = junit.write(await demoCommand(file, flags, junit));
}

async function demoCommand(file: string | undefined, flags: DemoFlags, junit: JUnitOutput): Promise<number> {
  const refuse = (check: string, message: string, exitCode: number = ExitCode.invalid) => {
    process.stderr.write(`${message}\n`);
    junit.refused(check, message, exitCode);
    return exitCode;
  };
  const unwritable = junit.problem();
  if (unwritable) return refuse(VALID, `gameday demo: ${unwritable}; nothing was started.`);
  if (flags.assemblerTimeouts !== undefined && !['on', 'off'].includes(flags.assemblerTimeouts)) {
    return refuse(VALID, `gameday demo: --assembler-timeouts: expected on or off, got "${flags.assemblerTimeouts}"; nothing was started.`);
  }
  const people = drillPeople(flags);
  if (typeof people === 'string') return refuse(VALID, `gameday demo: ${people}; nothing was started.`);
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
      drillPeople: people,
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
      junit.refused('the run started', 'interrupted before the run started: nothing was injected', ExitCode.aborted);
      return ExitCode.aborted;
    }
    process.stdout.write(`\n${formatSummary(outcome.run!)}\n${formatSegments(outcome)}\n`);
    if (outcome.busyMachine) process.stdout.write(`${outcome.busyMachine}\n`);
    if (outcome.run?.journal && outcome.experiment) junit.ran(outcome.run.journal, outcome.experiment, outcome.run.folder);
    // Written when the run ends, not when a kept world stops.
    junit.write(outcome.run!.exitCode);
    // A --quick run is the experiment on a compressed clock, not the experiment as written: it verifies nothing.
    if (!flags.quick) for (const line of await afterRun(db, { outcome: outcome.run!, cwd: process.cwd() })) process.stdout.write(`${line}\n`);
    if (outcome.run?.journal) {
      const where = {
        report: outcome.run.folder ? join(outcome.run.folder, 'report.html') : undefined,
        statusPage: outcome.world?.urls.status,
        statusCopy: outcome.statusCopy,
        coe: outcome.coe,
        coeProblem: outcome.coeProblem,
        drills: outcome.drills,
      };
      process.stdout.write(`${formatDebrief(outcome.run.journal, where).join('\n')}\n`);
    }
    if (outcome.world) await keepRunning(outcome.world);
    else process.stdout.write('the demo world is stopped; every fault was reverted.\n');
    return outcome.run!.exitCode;
  } catch (error) {
    if (error instanceof ExperimentFileError || error instanceof WorldVariantError) return refuse(VALID, `${error.message}\nnothing was started.`);
    if (error instanceof TargetError) return refuse(REACHABLE, `gameday demo: ${error.message}`);
    if (error instanceof PortInUseError || error instanceof WorldNotReadyError) return refuse(WORLD_STARTED, `gameday demo: ${error.message}`);
    process.stderr.write(`gameday demo: internal error: ${(error as Error).stack ?? error}\nevery process the demo started was stopped.\n`);
    junit.refused('no internal error', `gameday demo: internal error: ${(error as Error).message ?? error}; every process the demo started was stopped`, ExitCode.internal);
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
      ...(u.status ? [`  the shop's status page              ${u.status}`] : []),
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
