// A real Prometheus for tests and benchmarks: Debian's `prometheus` binary, started in a temporary folder on
// a free loopback port with a config that scrapes the given targets every second, stopped and removed
// afterwards — also when the test process exits early.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts } from '../../src/fleet/fleet.js';

export interface PrometheusServer {
  url: string;
  /** Resolves once a query sees every target up. */
  scraping(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export const PROMETHEUS_BIN = process.env.GAMEDAY_PROMETHEUS_BIN ?? '/usr/bin/prometheus';

/** `targets`: host:port of every /metrics to scrape, as one job. */
export async function startPrometheus(targets: string[], metricsPath = '/metrics'): Promise<PrometheusServer> {
  if (!existsSync(PROMETHEUS_BIN)) throw new Error(`${PROMETHEUS_BIN} not found: apt-get install prometheus (.ci/run installs it)`);
  const dir = mkdtempSync(join(tmpdir(), 'gameday-prometheus-'));
  const [port] = await freePorts(1);
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global: { scrape_interval: 1s, evaluation_interval: 1s }\nscrape_configs:\n  - job_name: shop\n    metrics_path: ${metricsPath}\n    static_configs:\n      - targets: [${targets.map((t) => `'${t}'`).join(', ')}]\n`,
  );
  const child: ChildProcess = spawn(
    PROMETHEUS_BIN,
    [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn', '--storage.tsdb.retention.time=1h'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk).slice(-4000)));
  const kill = () => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', kill);
  const url = `http://127.0.0.1:${port}`;
  const until = async (what: string, check: () => Promise<boolean>, timeoutMs: number) => {
    const started = Date.now();
    while (Date.now() - started < timeoutMs) {
      if (child.exitCode !== null) throw new Error(`prometheus exited (${child.exitCode}): ${stderr}`);
      if (await check().catch(() => false)) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`prometheus: ${what} not within ${timeoutMs}ms\n${stderr}`);
  };
  try {
    await until('ready', async () => (await fetch(`${url}/-/ready`)).ok, 30_000);
  } catch (error) {
    process.off('exit', kill);
    kill();
    throw error;
  }
  return {
    url,
    scraping: (timeoutMs = 30_000) =>
      until(
        'every target up',
        async () => {
          const answer = (await (await fetch(`${url}/api/v1/query?query=${encodeURIComponent('sum(up)')}`)).json()) as { data: { result: Array<{ value: [number, string] }> } };
          return Number(answer.data.result[0]?.value[1]) === targets.length;
        },
        timeoutMs,
      ),
    stop: async () => {
      process.off('exit', kill);
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await Promise.race([new Promise((resolve) => child.once('exit', resolve)), new Promise((resolve) => setTimeout(resolve, 5000))]);
      }
      kill();
    },
  };
}
