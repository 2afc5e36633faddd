import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import type { Logger } from '../observe/log.js';
import type { InstanceState, InstanceView, ServiceDeclaration } from './declaration.js';
import { guard, guardedArgv, killGroup } from './process-guard.js';

export class InstanceStartError extends Error {}

const STDERR_TAIL_LINES = 20;
/** A process that ends sooner than this after its start counts as a crash loop for the restart backoff. */
const STABLE_UPTIME_MS = 10_000;
const MAX_RESTART_DELAY_MS = 30_000;

/**
 * One instance of a service: a real OS process on its own port, restarted by policy, health-checked.
 * The port is kept across restarts so that a gateway's upstream address stays valid.
 */
export class Instance extends EventEmitter {
  readonly id: string;
  private child: ChildProcess | null = null;
  private state: InstanceState = 'stopped';
  private restarts = 0;
  private lastExit: string | null = null;
  /** What the fleet wants: 'running' restarts by policy; 'stopped' means an exit is expected. */
  private wanted: 'running' | 'stopped' = 'stopped';
  private failedChecks = 0;
  private healthTimer: NodeJS.Timeout | null = null;
  private stderrTail: string[] = [];
  /** Resolves when the current process's stderr has ended: its last words can arrive after its exit. */
  private stderrEnded: Promise<unknown> = Promise.resolve();
  private restartTimer: NodeJS.Timeout | null = null;
  private spawnedAt = 0;
  /** Consecutive quick crashes: each doubles the restart delay, as Kubernetes' CrashLoopBackOff does. */
  private quickCrashes = 0;
  /** Set when a terminate fault killed the process: that exit is not the service's crash. */
  private killedOnPurpose = false;

  constructor(
    readonly service: ServiceDeclaration,
    readonly region: string,
    readonly index: number,
    readonly port: number,
    private readonly log: Logger,
  ) {
    super();
    this.id = `${service.name}/${region}/${index}`;
  }

  view(): InstanceView {
    return {
      id: this.id,
      service: this.service.name,
      region: this.region,
      index: this.index,
      pid: this.child?.pid ?? null,
      port: this.port,
      url: `http://127.0.0.1:${this.port}`,
      state: this.state,
      restarts: this.restarts,
      lastExit: this.lastExit,
    };
  }

  get running(): boolean {
    return this.child !== null;
  }

  /** Starts the process and resolves once it answers its health check; throws with its stderr tail if not. */
  async start(): Promise<void> {
    this.wanted = 'running';
    this.quickCrashes = 0;
    if (!this.child) this.spawn();
    await this.waitHealthy(this.service.startTimeoutMs);
  }

  /** Makes sure a process runs (used by reverts: after terminate, after drain); idempotent. */
  async ensureRunning(): Promise<void> {
    if (this.restartTimer) {
      clearTimeout(this.restartTimer);
      this.restartTimer = null;
    }
    if (this.state === 'draining') return; // the drain ends in a stop; the caller starts it again after
    await this.start();
  }

  /** SIGKILLs the process (terminate); the restart policy decides what happens next. */
  kill(): number | null {
    const pid = this.child?.pid ?? null;
    if (pid !== null) {
      this.killedOnPurpose = true;
      killGroup(pid, 'SIGKILL');
    }
    return pid;
  }

  /** Stops without restarting: SIGTERM, `graceMs` to finish in-flight work, then SIGKILL. */
  async stop(graceMs = 0): Promise<void> {
    this.wanted = 'stopped';
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    const child = this.child;
    if (!child?.pid) return this.setState('stopped');
    const exited = once(child, 'exit');
    if (graceMs > 0) {
      killGroup(child.pid, 'SIGTERM');
      const timer = sleep(graceMs, 'timeout' as const, { ref: false });
      if ((await Promise.race([exited.then(() => 'exited' as const), timer])) === 'timeout') {
        this.log.warn({ instance: this.id, graceMs }, 'instance did not stop within its grace period; SIGKILL');
        killGroup(child.pid, 'SIGKILL');
      }
    } else {
      killGroup(child.pid, 'SIGKILL');
    }
    await exited;
  }

  /** Marks the instance draining: gateways stop sending it new requests; `stop` follows. */
  markDraining(): void {
    this.setState('draining');
  }

  /** Re-admits a draining instance whose process still runs (a drain reverted before it finished). */
  readmit(): boolean {
    if (this.state !== 'draining' || !this.child) return false;
    this.state = 'starting';
    this.wanted = 'running';
    this.emit('change', this.view());
    return true;
  }

  async waitHealthy(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.state !== 'healthy') {
      if (!this.child && !this.restartTimer) {
        // Bounded: a grandchild that inherited the pipe may hold it open.
        await Promise.race([this.stderrEnded, sleep(1000, undefined, { ref: false })]);
        throw new InstanceStartError(`instance ${this.id} exited before it became healthy (${this.lastExit})${this.tail()}`);
      }
      if (Date.now() > deadline) {
        throw new InstanceStartError(
          `instance ${this.id} did not answer GET ${this.service.health.path} on port ${this.port} within ${timeoutMs}ms${this.tail()}`,
        );
      }
      await sleep(25);
    }
  }

  private tail(): string {
    return this.stderrTail.length ? `; its stderr ends with:\n  ${this.stderrTail.join('\n  ')}` : '; it wrote nothing to stderr';
  }

  private spawn(): void {
    const [file, ...args] = guardedArgv(this.service.command);
    this.stderrTail = [];
    this.failedChecks = 0;
    this.spawnedAt = Date.now();
    this.killedOnPurpose = false;
    const child = spawn(file, args, {
      cwd: this.service.cwd,
      env: {
        ...process.env,
        ...this.service.env,
        PORT: String(this.port),
        GAMEDAY_SERVICE: this.service.name,
        GAMEDAY_REGION: this.region,
        GAMEDAY_INSTANCE: this.id,
      },
      // Own process group: terminate and stop reach grandchildren too.
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.child = child;
    guard(child);
    this.stderrEnded = child.stderr ? once(child.stderr, 'close').catch(() => undefined) : Promise.resolve();
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) if (line.trim()) this.stderrTail.push(line);
      this.stderrTail.splice(0, Math.max(0, this.stderrTail.length - STDERR_TAIL_LINES));
    });
    child.once('error', (error) => {
      this.stderrTail.push(`spawn failed: ${error.message}`);
    });
    child.once('exit', (code, signal) => this.onExit(child, code, signal));
    this.setState('starting');
    this.scheduleHealthCheck(0);
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return;
    this.child = null;
    this.lastExit = signal ?? `exit ${code}`;
    if (this.healthTimer) clearTimeout(this.healthTimer);
    this.healthTimer = null;
    this.setState('stopped');
    const failed = signal !== null || code !== 0;
    const policy = this.service.restart;
    if (this.wanted !== 'running' || policy === 'never' || (policy === 'on-failure' && !failed)) {
      this.wanted = 'stopped';
      return;
    }
    const crashed = !this.killedOnPurpose && Date.now() - this.spawnedAt < STABLE_UPTIME_MS;
    this.quickCrashes = crashed ? this.quickCrashes + 1 : 0;
    const delayMs = Math.min(MAX_RESTART_DELAY_MS, this.service.restartDelayMs * 2 ** Math.max(0, this.quickCrashes - 1));
    this.log.info({ instance: this.id, exit: this.lastExit, policy, delayMs }, 'instance exited; restarting');
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.wanted !== 'running' || this.child) return;
      this.restarts++;
      this.spawn();
    }, delayMs);
  }

  private scheduleHealthCheck(delayMs: number): void {
    // Starting instances are polled quickly so a restart is seen as healthy within tens of milliseconds.
    this.healthTimer = setTimeout(() => void this.check(), delayMs);
    this.healthTimer.unref();
  }

  private async check(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const { path, timeoutMs, unhealthyThreshold, intervalMs } = this.service.health;
    let ok = false;
    try {
      const response = await request(`http://127.0.0.1:${this.port}${path}`, {
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        reset: true,
      });
      await response.body.dump();
      ok = response.statusCode >= 200 && response.statusCode < 400;
    } catch {
      ok = false;
    }
    if (this.child !== child) return;
    if (ok) {
      this.failedChecks = 0;
      if (this.state === 'starting' || this.state === 'unhealthy') this.setState('healthy');
    } else if (this.state === 'healthy' && ++this.failedChecks >= unhealthyThreshold) {
      this.setState('unhealthy');
    }
    this.scheduleHealthCheck(this.state === 'starting' ? 50 : intervalMs);
  }

  private setState(state: InstanceState): void {
    if (this.state === state) return;
    // A draining instance stays draining until its process has ended.
    if (this.state === 'draining' && state !== 'stopped') return;
    this.state = state;
    this.emit('change', this.view());
  }
}
