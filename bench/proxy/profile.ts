// `npm run bench -- proxy --profile`: our proxy runs under V8's sampling profiler (--cpu-prof) for the
// sections asked for, and the bench prints where its time went, by function, so that a figure short of
// its target comes with the reason. The .cpuprofile file is kept beside the results (Chrome DevTools and
// speedscope open it).
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export function profileRequested(): boolean {
  return process.argv.includes('--profile');
}

/** The Node options that make the proxy write its profile into `dir` when it exits. */
export function profilerFlags(dir: string): string[] {
  return ['--cpu-prof', `--cpu-prof-dir=${dir}`];
}

function label(frame: ProfileNode['callFrame']): string {
  const name = frame.functionName || '(anonymous)';
  if (!frame.url) return name;
  return `${name} ${basename(frame.url)}:${frame.lineNumber + 1}`;
}

/** The functions that took the most time on their own (self time), with their share of the whole run. */
export function summarize(dir: string, top = 15): Array<{ where: string; ms: number; share: number }> {
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error(`the proxy wrote no profile into ${dir} (did it exit on SIGTERM?)`);
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const micros = profile.timeDeltas[i] ?? 0;
    total += micros;
    const where = label(byNode.get(id)!.callFrame);
    self.set(where, (self.get(where) ?? 0) + micros);
  });
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([where, micros]) => ({ where, ms: Math.round(micros / 1000), share: micros / total }));
}
