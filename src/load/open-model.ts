// The open model: requests start at their scheduled arrival times whatever the responses do (k6's
// constant- and ramping-arrival-rate executors). One scheduler tick, not one timer per request: each tick
// starts every arrival whose intended time has passed, and each request carries its intended time so
// its latency is measured from when it *should* have started. An arrival that finds the in-flight cap
// full is counted as dropped, never silently skipped.
import type { Dispatcher } from 'undici';
import type { Clock } from './clock.js';
import { Exchange, type ExchangeDriver } from './exchange.js';
import type { Recorder } from './recorder.js';
import type { ArrivalSchedule } from './schedule.js';

export class OpenModel {
  private next = 0;
  private nextAtMs: number;
  private readonly idle: Exchange[] = [];
  private timer: NodeJS.Timeout | undefined;
  private finish: () => void = () => {};

  constructor(
    private readonly schedule: ArrivalSchedule,
    private readonly driver: ExchangeDriver,
    private readonly recorder: Recorder,
    private readonly clock: Clock,
    private readonly startMs: number,
    private readonly maxInFlight: number,
    private readonly pool: Dispatcher,
  ) {
    this.nextAtMs = schedule.timeOf(0);
    driver.onIdle = (exchange) => this.idle.push(exchange);
  }

  /** True once every arrival of the schedule has been started or dropped. */
  get done(): boolean {
    return this.nextAtMs === Infinity;
  }

  /** Starts (or drops) every arrival due by now; returns ms until the next one is due (Infinity: none). */
  tick(): number {
    const elapsed = this.clock.now() - this.startMs;
    while (this.nextAtMs <= elapsed) {
      this.recorder.scheduled();
      if (this.driver.inFlight >= this.maxInFlight) this.recorder.dropped();
      else this.driver.send(this.idle.pop() ?? new Exchange(this.driver, this.pool), this.startMs + this.nextAtMs);
      this.nextAtMs = this.schedule.timeOf(++this.next);
    }
    return this.nextAtMs - elapsed;
  }

  /** Runs ticks until the schedule's duration is over, or until `stop()`. */
  run(): Promise<void> {
    return new Promise((resolve) => {
      this.finish = () => {
        clearTimeout(this.timer);
        this.finish = () => {};
        resolve();
      };
      const loop = () => {
        let wait = this.tick();
        if (wait === Infinity) {
          // The schedule can end quietly (a ramp down to 0/s): the run still lasts its declared duration.
          wait = this.startMs + this.schedule.durationMs - this.clock.now();
          if (wait <= 0) return this.finish();
        }
        // Timers fire no sooner than 1 ms; sleeping until the next arrival keeps low rates cheap, and
        // a tick that fires late starts everything that fell due meanwhile.
        this.timer = setTimeout(loop, Math.max(1, Math.floor(wait)));
      };
      loop();
    });
  }

  /** Stops at once (cancellation), even in the middle of a long wait for the next arrival. */
  stop(): void {
    this.finish();
  }
}
