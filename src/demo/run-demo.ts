// `gameday demo` as a straight line: read the experiment (and which world it needs), start the world, run
// the experiment with the engine in this process while the world's own counters are read, join what the
// world saw to the journal, and stop the world — whatever happened — unless the caller keeps it.
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadExperimentFile, type LoadedExperiment } from '../experiment/load-file.js';
import type { JournalEvent } from '../journal/events.js';
import type { Experiment } from '../experiment/schema.js';
import { runExperiment, type RunOutcome, type RunProgress } from '../experiment/run.js';
import { drillIncidents } from '../incidents/drills.js';
import { withDrillPeople, type DrillPeople } from '../experiment/drill.js';
import type { Step } from '../experiment/schema.js';
import type { LoadRunner } from '../experiment/sources.js';
import type { Journal } from '../journal/format.js';
import type { Logger } from '../observe/log.js';
import { MachineLoadSampler, type MachineLoad } from '../observe/machine-load.js';
import type { Store } from '../store/engine.js';
import { DEMO_NEEDS_CORES, describeMachine, machineWasBusy } from './busy-machine.js';
import { PageTally, pagesBetween, type PageCounts } from './page-tally.js';
import { WorldNotReadyError } from './readiness.js';
import { compressExperiment } from './quick.js';
import { WorldRecord, type SegmentSummary } from './world-record.js';
import { readWorldVariant } from './world-variant.js';
import { startWorld, type World } from './world.js';
import { draftRunCoe, readDrills, type CoeDraft, type DrillSummary } from './debrief.js';
import { forEachStep } from '../experiment/blast-radius.js';
import { loadStatusFile } from '../status/config.js';

const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const FLAGSHIP = join(PACKAGE_ROOT, 'examples/peak-gameday.yaml');
/** The shop's status page, which the world's control room measures and serves while the world runs. */
export const SHOP_STATUS = join(PACKAGE_ROOT, 'examples/status/shop.yaml');

/** `--quick` runs the experiment on a clock this much faster (see quick.ts). */
export const QUICK_FACTOR = 0.5;

export interface DemoOptions {
  file?: string;
  keep?: boolean;
  quick?: boolean;
  /** People for the drill's roles (`--commander ines` …), in place of the names the file gives. */
  drillPeople?: DrillPeople;
  /** Overrides the file's `# gameday-demo:` line. */
  naiveAssembler?: boolean;
  outDir?: string;
  log: Logger;
  runLoad: LoadRunner;
  writeReports: (journal: Journal, folder: string) => Promise<{ html: string; md: string }>;
  store?: Store;
  /** Where that store is (a SQLite file or a postgres:// URL), for the world's control room to serve the dashboard on. */
  storeLocation?: string;
  signal: AbortSignal;
  /** Lines for the person watching: world start, step tallies. */
  onLine: (line: string) => void;
  onEvent: (event: JournalEvent) => void;
  onProgress: (progress: RunProgress, pages: PageCounts | undefined) => void;
}

export interface DemoOutcome {
  run?: RunOutcome;
  /** The experiment as it ran (compressed by --quick), for what it declared: the JUnit report lists every check. */
  experiment?: Experiment;
  /** Present when the world was kept running (`--keep`); the caller stops it. */
  world?: World;
  segments: SegmentSummary[];
  naiveAssembler: boolean;
  /** Interrupted before the run started: nothing was injected. */
  interrupted?: boolean;
  /** How busy the machine was during the run (also in the journal as a `machine.load` event). */
  machine?: MachineLoad;
  /** Said when the run did not hold on a busy machine: the figures, and what the demo needs. */
  busyMachine?: string;
  /** The status page copied into the run folder as the run ended. */
  statusCopy?: string;
  /** The COE drafted from the run, in its folder; or why there is none (the verdict stands either way). */
  coe?: CoeDraft;
  coeProblem?: string;
  /** The drill incidents the run opened (and closed). */
  drills?: DrillSummary[];
}

/** Loads and validates the experiment before anything starts (ExperimentFileError / WorldVariantError: exit 3). */
export async function prepareDemo(options: Pick<DemoOptions, 'file' | 'quick' | 'naiveAssembler' | 'drillPeople'>): Promise<{ loaded: LoadedExperiment; naiveAssembler: boolean }> {
  // `gameday demo examples/no-timeouts.yaml` works from any directory: the shipped examples are found too.
  const given = options.file ?? FLAGSHIP;
  const file = !existsSync(given) && !isAbsolute(given) && existsSync(join(PACKAGE_ROOT, given)) ? join(PACKAGE_ROOT, given) : given;
  const variant = readWorldVariant(file);
  const loaded = await loadExperimentFile(file);
  const compressed = options.quick ? compressExperiment(loaded.experiment, QUICK_FACTOR) : loaded.experiment;
  const experiment = options.drillPeople ? staffDrills(compressed, options.drillPeople) : compressed;
  return { loaded: { ...loaded, experiment }, naiveAssembler: options.naiveAssembler ?? variant.naiveAssembler };
}

/** Every drill step of the experiment with these people in its roles. */
function staffDrills(experiment: Experiment, people: DrillPeople): Experiment {
  const staff = (steps: Step[]): Step[] =>
    steps.map((step) => ({
      ...step,
      ...(step.incident ? { incident: { declare: withDrillPeople(step.incident.declare, people) } } : {}),
      ...(step.parallel ? { parallel: staff(step.parallel) } : {}),
    }));
  return { ...experiment, method: staff(experiment.method) };
}

export async function runDemo(options: DemoOptions): Promise<DemoOutcome> {
  const { loaded, naiveAssembler } = await prepareDemo(options);
  const started = Date.now();
  const machine = new MachineLoadSampler();
  machine.start();
  let world: World;
  try {
    world = await startWorld({
      naiveAssembler,
      log: options.log,
      store: options.storeLocation,
      status: loadStatusFile(SHOP_STATUS),
      onStage: (message) => options.onLine(`world: ${message}`),
      onProcesses: (pids) => machine.watch(pids),
      signal: options.signal,
    });
  } catch (error) {
    machine.stop();
    const load = machine.summary(DEMO_NEEDS_CORES, started);
    if (error instanceof WorldNotReadyError && machineWasBusy(load)) throw new WorldNotReadyError(`${error.message}
${describeMachine(load, 'while the world started')}.`);
    throw error;
  }
  let keepWorld = false;
  let machineLoad: MachineLoad | undefined;
  try {
    options.onLine(`world: up in ${((Date.now() - started) / 1000).toFixed(1)}s — shop ${world.urls.page}`);
    if (options.signal.aborted) return { segments: [], naiveAssembler, interrupted: true };

    const pids = new Set(world.pids());
    world.fleet.on('change', (view: { pid: number | null }) => view.pid !== null && pids.add(view.pid));
    const tally = new PageTally(() => world.assemblerMetricsUrls());
    const record = new WorldRecord(tally);
    // The progress view shows the last second's pages; reading every second also bounds what a terminated
    // assembler takes with it (its counters since the last read).
    let previous = await tally.read();
    let lastSecond: PageCounts | undefined;
    const ticker = setInterval(() => {
      void tally.read().then((now) => {
        lastSecond = pagesBetween(previous, now);
        previous = now;
      }, () => undefined);
    }, 1000);
    let segments: SegmentSummary[] = [];
    let run: RunOutcome;
    try {
      run = await runExperiment({
        loaded,
        runLoad: options.runLoad,
        log: options.log,
        outDir: options.outDir,
        store: options.store,
        drills: options.store && drillIncidents(options.store),
        signal: options.signal,
        onEvent: (event) => {
          record.observe(event);
          options.onEvent(event);
        },
        onProgress: (progress) => options.onProgress(progress, lastSecond),
        writeReports: async (journal, folder) => {
          const runStart = Date.parse(journal.startedAt);
          machineLoad = machine.summary(DEMO_NEEDS_CORES, runStart, runStart + journal.durationMs);
          journal.events.push({
            atMs: journal.durationMs,
            at: journal.endedAt,
            type: 'machine.load',
            message: describeMachine(machineLoad, 'during the run'),
            data: { ...machineLoad, busy: machineWasBusy(machineLoad) },
          });
          segments = await record.joinJournal(journal, folder, { pids: [...pids], urls: world.urls, naiveAssembler });
          return options.writeReports(journal, folder);
        },
      });
    } finally {
      clearInterval(ticker);
    }
    // The run closed its drill as it ended: the COE is drafted from both records, the debrief reads the drill.
    keepWorld = options.keep === true && !options.signal.aborted;
    const drills = options.store && run.journal
      ? await readDrills(options.store, run.journal, { incidentsUrl: keepWorld ? world.urls.incidents : undefined, facilitator: facilitatorOf(loaded.experiment) }).catch((error: Error) => {
          options.log.warn({ err: error }, `the drill incident could not be read back: ${error.message}`);
          return [];
        })
      : [];
    const statusCopy = run.folder && (await world.exportStatus(join(run.folder, 'status'))) ? join(run.folder, 'status', 'index.html') : undefined;
    const drafted = await draftCoe(options.store, run.folder);
    const busy = machineLoad && (run.verdict === 'violated' || run.verdict === 'aborted') && machineWasBusy(machineLoad);
    const busyMachine = busy ? `${describeMachine(machineLoad!, 'during the run')}. This verdict may say more about the machine than about the shop: run it again when the machine is quieter.` : undefined;
    return { run, experiment: loaded.experiment, world: keepWorld ? world : undefined, segments, naiveAssembler, machine: machineLoad, busyMachine, statusCopy, drills, ...drafted };
  } finally {
    machine.stop();
    if (!keepWorld) await world.stop();
  }
}

/** Who runs the drill: its declaration names the facilitator, who is no role of the incident. */
function facilitatorOf(experiment: Experiment): string | undefined {
  let facilitator: string | undefined;
  forEachStep(experiment.method, (step) => (facilitator ??= step.incident?.declare.facilitator));
  return facilitator;
}

/** A COE that cannot be drafted is said, never fatal: the run is recorded and its verdict stands. */
async function draftCoe(store: Store | undefined, folder: string | undefined): Promise<Pick<DemoOutcome, 'coe' | 'coeProblem'>> {
  if (!store || !folder) return { coeProblem: 'the run has no store or no run folder' };
  try {
    return { coe: await draftRunCoe(store, folder) };
  } catch (error) {
    return { coeProblem: (error as Error).message };
  }
}
