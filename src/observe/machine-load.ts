// How busy the machine is while something of ours runs, measured rather than guessed: every second, the
// CPU time the whole machine spent (/proc/stat), the part of it our own processes spent (/proc/<pid>/stat),
// the CPU the hypervisor withheld (steal), the run queue (procs_running) and the load average. The
// difference between the machine's busy time and ours is what other programs took. Linux only; elsewhere
// the sampler records nothing and its summary says so.
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';

export interface MachineSecond {
  /** Milliseconds since the epoch at the end of the interval. */
  at: number;
  loadAverage: number;
  runQueue: number;
  /** Cores' worth of CPU used in the interval by other programs, by our processes, and withheld (steal). */
  otherCores: number;
  ownCores: number;
  stealCores: number;
}

export interface Spread {
  mean: number;
  max: number;
}

export interface MachineLoad {
  cores: number;
  /** Seconds sampled. */
  seconds: number;
  loadAverage: Spread;
  runQueue: Spread;
  otherCores: Spread;
  ownCores: Spread;
  stealPercent: number;
  /** Share (0..1) of the seconds in which other programs and steal left fewer free cores than `needCores`. */
  starvedShare: number;
  needCores: number;
}

interface CpuTimes {
  total: number;
  idle: number;
  steal: number;
}

export class MachineLoadSampler {
  private readonly seconds: MachineSecond[] = [];
  /** Until watch() names them: this process and all its descendants, found by reading every /proc/<pid>/stat. */
  private pids: () => number[] = () => descendantsOf(process.pid);
  private timer: NodeJS.Timeout | undefined;
  private lastCpu: CpuTimes | undefined;
  private lastOwn = new Map<number, number>();
  /** Set by watch(): processes already running when they are first watched are not new this interval. */
  private rebase = false;
  readonly cores = availableParallelism();

  constructor(private readonly intervalMs = 1000) {}

  /** Which processes are "ours", more cheaply than the default; the list may change between samples (restarted instances). */
  watch(pids: () => number[]): void {
    this.pids = pids;
    this.rebase = true;
  }

  start(): void {
    if (this.timer || process.platform !== 'linux') return;
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The seconds sampled between `fromMs` and `toMs` (epoch milliseconds), summarised against what we need. */
  summary(needCores: number, fromMs = 0, toMs = Infinity): MachineLoad {
    const inside = this.seconds.filter((s) => s.at > fromMs && s.at <= toMs);
    const spread = (pick: (s: MachineSecond) => number): Spread => ({
      mean: round(inside.reduce((sum, s) => sum + pick(s), 0) / Math.max(1, inside.length)),
      max: round(Math.max(0, ...inside.map(pick))),
    });
    const starved = inside.filter((s) => this.cores - s.otherCores - s.stealCores < needCores).length;
    return {
      cores: this.cores,
      seconds: inside.length,
      loadAverage: spread((s) => s.loadAverage),
      runQueue: spread((s) => s.runQueue),
      otherCores: spread((s) => s.otherCores),
      ownCores: spread((s) => s.ownCores),
      stealPercent: round((100 * inside.reduce((sum, s) => sum + s.stealCores, 0)) / Math.max(1, inside.length * this.cores)),
      starvedShare: round(starved / Math.max(1, inside.length)),
      needCores,
    };
  }

  private sample(): void {
    let cpu: CpuTimes;
    let runQueue: number;
    try {
      ({ cpu, runQueue } = readProcStat());
    } catch {
      return this.stop();
    }
    const own = new Map<number, number>();
    for (const pid of new Set(this.pids())) {
      const ticks = processTicks(pid);
      if (ticks !== undefined) own.set(pid, ticks);
    }
    const last = this.lastCpu;
    if (last && cpu.total > last.total) {
      const elapsedTicks = (cpu.total - last.total) / this.cores;
      const cores = (ticks: number) => Math.max(0, ticks / elapsedTicks);
      // A process first seen now started within the interval (a restarted instance): all its time is new,
      // unless the list was just replaced. One that is gone took its last interval with it, a small undercount.
      let ownTicks = 0;
      for (const [pid, ticks] of own) ownTicks += ticks - (this.lastOwn.get(pid) ?? (this.rebase ? ticks : 0));
      const busy = cpu.total - last.total - (cpu.idle - last.idle) - (cpu.steal - last.steal);
      this.seconds.push({
        at: Date.now(),
        loadAverage: loadavg()[0],
        runQueue,
        otherCores: round(cores(busy - ownTicks)),
        ownCores: round(cores(ownTicks)),
        stealCores: round(cores(cpu.steal - last.steal)),
      });
    }
    this.lastCpu = cpu;
    this.lastOwn = own;
    this.rebase = false;
  }
}

function readProcStat(): { cpu: CpuTimes; runQueue: number } {
  const text = readFileSync('/proc/stat', 'utf8');
  // cpu  user nice system idle iowait irq softirq steal guest guest_nice (guest time is inside user)
  const fields = text.slice(0, text.indexOf('\n')).trim().split(/\s+/).slice(1, 9).map(Number);
  const [, , , idle, iowait, , , steal] = fields;
  const runQueue = Number(/^procs_running\s+(\d+)/m.exec(text)?.[1] ?? 0);
  return { cpu: { total: fields.reduce((a, b) => a + b, 0), idle: idle + iowait, steal }, runQueue };
}

/** `root` and every process below it. Costs a read of every process's stat file: a few ms on a quiet machine. */
export function descendantsOf(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (entry.charCodeAt(0) > 57) continue; // not a pid
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ', 2)[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // It ended between the listing and the read.
    }
  }
  const found = [root];
  for (let i = 0; i < found.length; i++) found.push(...(children.get(found[i]) ?? []));
  return found;
}

/** utime + stime of one process, in clock ticks; undefined once it is gone. */
function processTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/** "2 cores" / "1 core", for sentences. */
export function coresPhrase(cores: number): string {
  return `${cores} core${cores === 1 ? '' : 's'}`;
}
