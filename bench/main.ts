// `npm run bench` runs every benchmark; `npm run bench -- <name>` runs one (`-- first-run --runs=3`).
import { printTable, writeResult, type Benchmark, type BenchmarkResult } from './harness.js';
import { ISOLATED_ENV } from './proxy/isolate.js';

const benchmarks: Record<string, () => Promise<Benchmark>> = {
  proxy: async () => (await import('./proxy.js')).proxyBenchmark(),
  load: async () => (await import('./load.js')).default(),
  guardrail: async () => (await import('./guardrail.js')).default,
  evacuate: async () => (await import('./evacuate.js')).default,
  'levers-push': async () => (await import('./levers-push.js')).default,
  'demo-services': async () => (await import('./demo-services.js')).demoServices,
  'first-run': async () => (await import('./first-run.js')).firstRunBenchmark,
  'coe-check': async () => (await import('./coe-check.js')).coeCheckBenchmark,
  store: async () => (await import('./store.js')).default,
  dashboard: async () => (await import('./dashboard.js')).default,
  status: async () => (await import('./status.js')).default,
};

// Options (`--runs=3`) belong to the benchmarks that read them.
const wanted = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const unknown = wanted.filter((name) => !(name in benchmarks));
if (unknown.length > 0) {
  console.error(`unknown benchmark: ${unknown.join(', ')}; known: ${Object.keys(benchmarks).join(', ') || '(none yet)'}`);
  process.exit(3);
}
const results: BenchmarkResult[] = [];
for (const name of wanted.length > 0 ? wanted : Object.keys(benchmarks)) {
  console.error(`bench: running ${name} …`);
  const run = await benchmarks[name]();
  const result = await run();
  console.error(`bench: ${name} written to ${writeResult(result)}`);
  results.push(result);
}
// A bench re-run in a namespace of its own (./proxy/isolate.ts) leaves the table to the run that started it.
if (!process.env[ISOLATED_ENV]) printTable(results);
