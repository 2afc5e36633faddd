// Shared machinery for `npm run bench`, per ../shared/BENCHMARKS.md: baselines installed by the script,
// A/B pairs after a warm-up, medians and pair-by-pair ratios, one table, one JSON file per benchmark.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface Figure {
  benchmark: string;
  figure: string;
  ours: number;
  baselineName: string;
  baseline: number | null;
  /** Ratio ours/baseline (or baseline/ours where lower is better), median with min and max. */
  ratio: { median: number; min: number; max: number } | null;
  target: string;
  /** Whether the target was met; null where the figure has no target. */
  met: boolean | null;
  unit?: string;
}

export interface BenchmarkResult {
  name: string;
  setup: string;
  figures: Figure[];
  details?: unknown;
}

export type Benchmark = () => Promise<BenchmarkResult>;

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Pair-by-pair ratios of ours[i]/baseline[i], summarised. */
export function ratioOfPairs(ours: number[], baseline: number[]): { median: number; min: number; max: number } {
  const ratios = ours.map((value, i) => value / baseline[i]);
  return { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) };
}

/** Installs Debian packages that provide the given commands, if missing. */
export function hasCommand(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

export function ensureCommands(packagesByCommand: Record<string, string>): void {
  const missing = Object.entries(packagesByCommand)
    .filter(([command]) => !hasCommand(command))
    .map(([, pkg]) => pkg);
  if (missing.length === 0) return;
  process.stderr.write(`bench: installing ${missing.join(', ')} with apt-get …\n`);
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', ...missing], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

function formatNumber(value: number | null): string {
  if (value === null || Number.isNaN(value)) return '—';
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(2);
}

export function printTable(results: BenchmarkResult[]): void {
  const rows = [['benchmark', 'figure', 'ours', 'baseline', 'ratio (median, min–max)', 'target', '']];
  for (const result of results) {
    for (const f of result.figures) {
      rows.push([
        f.benchmark,
        f.figure,
        formatNumber(f.ours),
        f.baseline === null ? f.baselineName : `${f.baselineName} ${formatNumber(f.baseline)}`,
        f.ratio ? `${f.ratio.median.toFixed(2)} (${f.ratio.min.toFixed(2)}–${f.ratio.max.toFixed(2)})` : '—',
        f.target,
        f.met === null ? '' : f.met ? 'met' : 'SHORT',
      ]);
    }
  }
  const widths = rows[0].map((_, col) => Math.max(...rows.map((row) => row[col].length)));
  for (const row of rows) console.log(row.map((cell, col) => cell.padEnd(widths[col])).join('  ').trimEnd());
  for (const result of results) console.log(`\n${result.name}: ${result.setup}`);
}

/** Where a benchmark's result is written (and read back by a bench that re-ran itself elsewhere). */
export function resultPath(name: string): string {
  return join(process.cwd(), 'bench', 'results', `${name}.json`);
}

export function writeResult(result: BenchmarkResult): string {
  const path = resultPath(result.name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify({ measuredAt: new Date().toISOString(), ...result }, null, 2));
  return path;
}
