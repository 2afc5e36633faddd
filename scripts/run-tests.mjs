// The test runner behind `npm test` and `npm run test:unit`. Every test file runs in its own process
// group under a time limit: a file that outlives it is killed with everything it started, named with the
// test that was running, and fails the run. Tests are found from the sources (src/**/*.test.ts,
// test/**/*.test.ts), never from what happens to be in dist/, so a deleted test cannot keep running from
// an old build.
//
// Files run two at a time (--lanes N, or GAMEDAY_TEST_LANES), each in a fresh network namespace of its
// own (unshare --net) with a private loopback: many tests use the demo world's fixed ports (8080,
// 8474–8477), and in a namespace of its own no file can meet another's. Where a namespace cannot be made
// (not root, no unshare or ip), files run directly, one at a time, and the run says why. A file's output
// is held until it ends, so two files' lines never mix. The files of RUN_ALONE run first, with nothing
// beside them.
//
//   node scripts/run-tests.mjs [--clean] [--build] [--unit] [--timeout 90s] [--lanes 2] [--list] [filter…]
//
// A filter keeps the files whose path contains it; a filter that names an existing .js file runs that
// file even though discovery would not find it (the runner's own test uses this for its fixtures).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const scripts = join(root, 'scripts');

/**
 * Unit tests, the fast loop of `npm run test:unit`: every test beside its code (src/**\/*.test.ts) and
 * these files of test/. The rule is that a unit test runs in one process: it starts no child process,
 * hence no demo world, no fleet, no browser and no CLI (scripts/unit-guard.mjs enforces it); servers it
 * starts in its own process on loopback are fine. Everything else runs in the whole suite only.
 */
const UNIT_TESTS = [
  'test/experiment/chaostoolkit.test.ts',
  'test/experiment/experiment-file.test.ts',
  'test/experiment/fault-book.test.ts',
  'test/experiment/lever-run.test.ts',
  'test/experiment/sli.test.ts',
  'test/fleet/declaration-file.test.ts',
  'test/levers/lever-config.test.ts',
  'test/levers/lever-service.test.ts',
  'test/levers/lever-step.test.ts',
  'test/load/drops-and-cancel.test.ts',
  'test/load/errors.test.ts',
  'test/load/input.test.ts',
  'test/load/open-model.test.ts',
  'test/load/recorder.test.ts',
  'test/load/schedule.test.ts',
  'test/proxy/api.test.ts',
  'test/proxy/http-faults.test.ts',
  'test/proxy/strict-input.test.ts',
  'test/proxy/toxics.test.ts',
  'test/proxy/toxiproxy-client.test.ts',
  'test/report/charts.test.ts',
  'test/report/html.test.ts',
  'test/report/markdown.test.ts',
  'test/report/write-reports.test.ts',
  'test/status/status-file.test.ts',
];

/**
 * How long one test file may run before it is killed. Generous: about twice what the slowest file of
 * each group took on a 2-core machine with a load average over 25 (demo-cli 3.3 minutes, run-cli 1.5,
 * gameday load's CLI test 1, every other file under 40 s), yet finite, so that a hang fails the run
 * instead of holding CI. Two files at a time make each one slower than alone (run-cli 43 s instead of
 * 29 on CI), still far inside these limits. A hang holds one lane for its limit while the other lane
 * goes on, so it adds about half its limit to the run; a hang of a RUN_ALONE file adds all of it (6
 * minutes for demo-cli, which would take a 10-minute suite past CI's 15). The first prefix that
 * matches wins.
 */
const TIME_LIMITS = [
  { prefix: 'test/demo/demo-cli.test.ts', limit: '6m' },
  { prefix: 'test/demo/', limit: '3m' },
  // Chromium, gameday serve and CLI runs of 6 to 10 s each.
  { prefix: 'test/dashboard/', limit: '4m' },
  { prefix: 'test/experiment/', limit: '3m' },
  // Each file runs the gameday CLI a few dozen times; under a loaded machine one start takes seconds.
  { prefix: 'test/coe/', limit: '4m' },
  // The status page's tests start a real Prometheus, Chromium or gameday processes.
  { prefix: 'test/status/', limit: '3m' },
  // The incidents' tests start a real run, Alertmanager, Chromium and gameday processes (the CLI test a dozen).
  { prefix: 'test/incidents/', limit: '3m' },
  { prefix: '', limit: '2m' },
];

/**
 * Files that run with nothing beside them, first, as a phase of their own: they bound wall-clock times
 * and have failed on a loaded machine, and a second file in the other lane is load. A flaky suite costs
 * more than the minutes this list costs.
 */
const RUN_ALONE = [
  // Starts the whole demo world, runs a drill and waits on status windows; failed under a load average ≥ 8.
  'test/demo/demo-cli.test.ts',
  // Asserts where the run's events fall on an incident's timeline, in wall-clock time; failed under load ≥ 8.
  'test/incidents/timeline.test.ts',
  // Holds an open-model arrival rate against a real server; a starved generator falls behind.
  'test/load/open-model-rate.test.ts',
  // Measures a 1 s server stall in the corrected latencies, and bounds the plain service time.
  'test/load/stall.test.ts',
  // Runs a drill's load (40/s) beside a status room whose shop check times out after 250 ms; with a file
  // beside it, one check missed its 250 ms and the page read "partial outage" (once in four full runs).
  'test/status/status-cli.test.ts',
  // Bound the latency toxic's delays and the timing of other toxics, with slack for a busy machine only.
  'test/proxy/conformance/latency.test.ts',
  'test/proxy/conformance/toxics.test.ts',
];

/**
 * Seconds each slow file took on a 2-core CI machine, one file at a time (13m20s in all): the shared
 * queue starts the longest first, so that the run does not end with one lane busy and the other idle.
 * Files not named here come after, the longer limit first.
 */
const SLOW_FILES = {
  'test/experiment/run-cli.test.ts': 29,
  'test/experiment/safety.test.ts': 26,
  'test/experiment/chaostoolkit-fixtures.test.ts': 26,
  'test/incidents/incident-cli.test.ts': 24,
  'test/status/prometheus.test.ts': 24,
  'test/experiment/chaostoolkit-run.test.ts': 23,
  'test/experiment/examples.test.ts': 23,
  'test/status/status-cli.test.ts': 21,
  'test/dashboard/dashboard-browser.test.ts': 21,
  'test/load/cli.test.ts': 19,
  'test/gateway/under-load.test.ts': 19,
  'test/status/status-api.test.ts': 18,
  'test/coe/coe-draft.test.ts': 17,
  'test/coe/coe-loop.test.ts': 16,
  'test/demo/assembler.test.ts': 14,
  'test/experiment/live-journal.test.ts': 13,
  'test/runner/run-tests.test.ts': 13,
  'test/incidents/drill.test.ts': 13,
};

class UsageError extends Error {}

function parseDuration(text) {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(text ?? '');
  if (!match) throw new UsageError(`--timeout wants a duration such as 500ms, 90s or 5m, got "${text ?? ''}"`);
  return Number(match[1]) * { ms: 1, s: 1000, m: 60_000 }[match[2]];
}

function formatDuration(ms) {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)}m ${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')}s`;
}

function parseLanes(text, from) {
  if (!/^[1-9]\d*$/.test(text ?? '')) throw new UsageError(`${from} wants a number of files to run at once, 1 or more, got "${text ?? ''}"`);
  return Number(text);
}

function parseArgs(argv) {
  const fromEnv = process.env.GAMEDAY_TEST_LANES;
  const lanes = fromEnv === undefined || fromEnv === '' ? 2 : parseLanes(fromEnv, 'GAMEDAY_TEST_LANES');
  const options = { clean: false, build: false, unit: false, list: false, timeoutMs: null, lanes, filters: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--clean') options.clean = options.build = true;
    else if (arg === '--build') options.build = true;
    else if (arg === '--unit') options.unit = true;
    else if (arg === '--list') options.list = true;
    else if (arg === '--timeout') options.timeoutMs = parseDuration(argv[++i]);
    else if (arg === '--lanes') options.lanes = parseLanes(argv[++i], '--lanes');
    else if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}; known: --clean, --build, --unit, --timeout <duration>, --lanes <n>, --list`);
    else options.filters.push(arg);
  }
  return options;
}

function findSources(dir) {
  if (!existsSync(join(root, dir))) return [];
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : findSources(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

function isUnit(source) {
  return source.startsWith('src/') || UNIT_TESTS.includes(source);
}

function limitOf(source) {
  return parseDuration(TIME_LIMITS.find((entry) => source.startsWith(entry.prefix)).limit);
}

/** The files to run: { source (shown to people), file (what node runs), limitMs }. */
function select(options) {
  const explicit = options.filters.filter((f) => f.endsWith('.js') && existsSync(resolve(root, f)));
  const filters = options.filters.filter((f) => !explicit.includes(f));
  const sources = [...findSources('src'), ...findSources('test')];
  const unknown = UNIT_TESTS.filter((source) => !sources.includes(source));
  if (unknown.length > 0) throw new UsageError(`the unit list in scripts/run-tests.mjs names ${unknown.join(', ')}, which is not a test file; correct or remove it`);
  const discovered = sources
    .filter((source) => !options.unit || isUnit(source))
    .map((source) => ({ source, file: join('dist', source.replace(/\.ts$/, '.js')) }))
    .filter(({ source, file }) => filters.length === 0 ? explicit.length === 0 : filters.some((f) => source.includes(f) || file.includes(f)));
  const extra = explicit.map((f) => ({ source: relative(root, resolve(root, f)), file: relative(root, resolve(root, f)) }));
  return [...discovered.sort((a, b) => a.source.localeCompare(b.source)), ...extra]
    .map((entry) => ({ ...entry, limitMs: options.timeoutMs ?? limitOf(entry.source) }));
}

function build(clean) {
  const started = Date.now();
  if (clean) rmSync(join(root, 'dist'), { recursive: true, force: true });
  process.stdout.write(`building${clean ? ' from a clean dist/' : ''} … `);
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  // tsconfig.json builds incrementally, with its build info in dist/: a clean build starts over.
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) {
    console.log('the build failed; no test ran');
    process.exit(1);
  }
  console.log(`done in ${formatDuration(Date.now() - started)}`);
}

/** The innermost test that started and has not ended, from the events the reporter wrote. */
function runningTest(eventsPath) {
  let lines = [];
  try {
    lines = readFileSync(eventsPath, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
  } catch {
    return null;
  }
  const open = [];
  for (const line of lines) {
    if (line.event === 'start') open.push(line);
    else {
      const at = open.findLastIndex((o) => o.name === line.name && o.nesting === line.nesting);
      if (at >= 0) open.splice(at, 1);
    }
  }
  const failed = lines.filter((l) => l.event === 'fail' && l.nesting === 0).map((l) => l.name);
  return { running: open.at(-1)?.name ?? null, started: lines.some((l) => l.event === 'start'), failed };
}

/** Every file running now: a Ctrl-C or SIGTERM of the runner kills each one's group. */
const running = new Set();

function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

/**
 * Whether each file can have a network namespace of its own: null if so, else why not. Probed once by
 * doing it: root, CAP_SYS_ADMIN, unshare (util-linux) and ip (iproute2) are all needed, and inside a
 * namespace (ip netns exec) a nested one works as well.
 */
function namespaceUnavailable() {
  const probe = spawnSync('unshare', ['--net', '--', 'ip', 'link', 'set', 'lo', 'up'], { encoding: 'utf8' });
  if (probe.error?.code === 'ENOENT') return 'unshare (util-linux) is not installed';
  if (probe.error) return `unshare failed: ${probe.error.message}`;
  if (probe.status === 0) return null;
  const said = (probe.stderr || '').trim().split('\n').at(-1) || `exit code ${probe.status}`;
  return /No such file|not found/.test(said) && /\bip\b/.test(said) ? 'ip (iproute2) is not installed' : `unshare --net failed (${said}; it needs root or CAP_SYS_ADMIN)`;
}

/**
 * Runs one file in its own process group; resolves to { status: 'passed' | 'failed' | 'timed out', output, … }.
 * In a namespace, unshare becomes sh, which execs node, all in the one pid (no --fork): the group kill
 * of a timeout reaches the file and everything it started, and the namespace goes with its last process.
 * With `hold`, the file's output is kept and handed back instead of written as it comes.
 */
function runFile(entry, options, eventsDir, index, { namespace, hold }) {
  const eventsPath = join(eventsDir, `${index}.jsonl`);
  const args = [
    ...(options.unit ? ['--import', join(scripts, 'unit-guard.mjs')] : []),
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    `--test-reporter=${join(scripts, 'test-events.mjs')}`, `--test-reporter-destination=${eventsPath}`,
    entry.file,
  ];
  const [command, commandArgs] = namespace
    ? ['unshare', ['--net', '--', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', process.execPath, ...args]]
    : [process.execPath, args];
  const started = Date.now();
  // Its own group (detached), so a timeout kills the file with every process it started.
  const child = spawn(command, commandArgs, { cwd: root, stdio: hold ? ['ignore', 'pipe', 'pipe'] : 'inherit', detached: true });
  running.add(child);
  const output = [];
  // A file that cannot even start (a missing command) fails, like one that starts and fails.
  const failedToStart = new Promise((resolveStart) =>
    child.on('error', (error) => {
      running.delete(child);
      resolveStart({ ...entry, ms: Date.now() - started, status: 'failed', code: null, signal: null, failed: [], held: hold, output: `could not start ${command}: ${error.message}\n` });
    }),
  );
  child.stdout?.on('data', (chunk) => output.push(chunk));
  child.stderr?.on('data', (chunk) => output.push(chunk));
  const ran = new Promise((resolveRun) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child, 'SIGTERM');
      setTimeout(() => killGroup(child, 'SIGKILL'), 3000).unref();
    }, entry.limitMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      // Whatever the file left behind in its group goes too (a server it started and forgot).
      killGroup(child, 'SIGKILL');
      running.delete(child);
      const ms = Date.now() - started;
      const events = runningTest(eventsPath) ?? { running: null, started: false, failed: [] };
      const result = timedOut
        ? { ...entry, ms, status: 'timed out', running: events.running, started: events.started, failed: events.failed }
        : { ...entry, ms, status: code === 0 ? 'passed' : 'failed', code, signal, failed: events.failed };
      // The pipes close once the last holder is gone; one that left the group may hold them: don't wait on it.
      const finish = () => resolveRun({ ...result, held: hold, output: Buffer.concat(output).toString() });
      if (!hold) return finish();
      const grace = setTimeout(() => (child.stdout.destroy(), child.stderr.destroy(), finish()), 2000);
      child.on('close', () => (clearTimeout(grace), finish()));
    });
  });
  return Promise.race([ran, failedToStart]);
}

function timeoutMessage(result) {
  const limit = formatDuration(result.limitMs);
  if (result.running) return `${result.source} timed out: test "${result.running}" was still running after ${limit}; killed the file and every process it started`;
  if (result.started) return `${result.source} timed out: its tests ended but the process did not exit within ${limit} (a server, timer or child process left open); killed it`;
  return `${result.source} timed out: no test started within ${limit}; killed it`;
}

/** The longest first (as far as is known), so that the last files of the run are short ones. */
function byLength(a, b) {
  return (SLOW_FILES[b.source] ?? 0) - (SLOW_FILES[a.source] ?? 0) || b.limitMs - a.limitMs;
}

/** Runs the files with at most `lanes` at once, calling `report(result)` as each ends. */
async function runPhase(files, lanes, run, report) {
  const queue = [...files];
  const lane = async () => {
    for (let entry = queue.shift(); entry; entry = queue.shift()) report(await run(entry));
  };
  await Promise.all(Array.from({ length: Math.min(lanes, files.length) }, lane));
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (options.build) build(options.clean);
  const files = select(options);
  if (files.length === 0) {
    console.error(`no test file matches ${options.filters.join(' ') || '(no filter)'}${options.unit ? ' among the unit tests' : ''}`);
    process.exit(1);
  }
  if (options.list) {
    for (const entry of files) console.log(`${entry.source}\t${formatDuration(entry.limitMs)}`);
    return;
  }
  const missing = files.filter((entry) => !existsSync(join(root, entry.file)));
  if (missing.length > 0) {
    console.error(`not built: ${missing.map((m) => m.file).join(', ')} (run npm run build, or pass --build)`);
    process.exit(1);
  }
  // However the runner ends (a signal, an error in a lane), the files still running end with it.
  process.on('exit', () => {
    for (const child of running) killGroup(child, 'SIGKILL');
  });
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]]) process.on(signal, () => process.exit(code));
  const unavailable = namespaceUnavailable();
  // Without namespaces two files could meet on the demo's fixed ports: one at a time, as before lanes.
  const lanes = unavailable ? 1 : options.lanes;
  if (unavailable) console.log(`running the files one at a time, directly: ${unavailable}`);
  else if (lanes > 1) console.log(`running up to ${lanes} files at a time, each in a network namespace of its own`);
  const alone = files.filter((entry) => RUN_ALONE.includes(entry.source));
  const together = files.filter((entry) => !RUN_ALONE.includes(entry.source)).sort(lanes > 1 ? byLength : () => 0);
  const eventsDir = mkdtempSync(join(tmpdir(), 'gameday-test-events-'));
  const started = Date.now();
  const results = [];
  let begun = 0;
  // A file's output is held only while another file may be writing beside it; alone, it streams.
  const run = (hold) => (entry) => {
    const index = begun++;
    console.log(`\n▶ [${index + 1}/${files.length}] ${entry.source} (limit ${formatDuration(entry.limitMs)})`);
    return runFile(entry, options, eventsDir, index, { namespace: !unavailable, hold });
  };
  const report = (result) => {
    results.push(result);
    if (result.held) process.stdout.write(`\n── ${result.source} ──\n${result.output}`);
    if (result.status === 'timed out') console.log(`✖ ${timeoutMessage(result)}`);
    else console.log(`${result.status === 'passed' ? '✔' : '✖'} ${result.source} ${result.status} in ${formatDuration(result.ms)}`);
  };
  try {
    // The run-alone files first: with the queue's longest first after them, the lanes finish together.
    await runPhase(alone, 1, run(false), report);
    await runPhase(together, lanes, run(lanes > 1 && together.length > 1), report);
  } finally {
    rmSync(eventsDir, { recursive: true, force: true });
  }
  const count = (status) => results.filter((r) => r.status === status).length;
  console.log(`\n${options.unit ? 'unit tests' : 'tests'}: ${count('passed')} of ${results.length} files passed, ${count('failed')} failed, ${count('timed out')} timed out, in ${formatDuration(Date.now() - started)}`);
  for (const result of results.filter((r) => r.status !== 'passed')) {
    if (result.status === 'timed out') console.log(`  ✖ ${timeoutMessage(result)}`);
    else console.log(`  ✖ ${result.source}${result.failed.length ? `: ${result.failed.map((name) => `"${name}"`).join(', ')}` : ` exited with ${result.signal ?? `code ${result.code}`}`}`);
  }
  process.exitCode = results.every((r) => r.status === 'passed') ? 0 : 1;
}

main().catch((error) => {
  console.error(error instanceof UsageError ? `run-tests: ${error.message}` : error);
  process.exit(error instanceof UsageError ? 2 : 1);
});
