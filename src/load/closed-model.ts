// The closed model: N connections, each sending its next request as soon as the previous answer
// arrives (autocannon, wrk). It measures the most the target can serve, not how it behaves at a given
// arrival rate; a request's intended start is simply when it was sent, so its latency equals its
// service time (a closed model cannot see coordinated omission; that is what the open model is for).
import type { Dispatcher } from 'undici';
import type { Clock } from './clock.js';
import { Exchange, type ExchangeDriver } from './exchange.js';
import type { Recorder } from './recorder.js';

export class ClosedModel {
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private finish: () => void = () => {};

  constructor(
    private readonly driver: ExchangeDriver,
    private readonly recorder: Recorder,
    private readonly clock: Clock,
    /** One undici Client per connection: each loop owns its connection, as in autocannon and wrk. */
    private readonly clients: Dispatcher[],
  ) {
    driver.onIdle = (exchange) => {
      if (this.running) this.send(exchange);
    };
  }

  private send(exchange: Exchange): void {
    this.recorder.scheduled();
    const now = this.clock.now();
    this.driver.send(exchange, now, now);
  }

  /** Keeps every connection busy until `endMs` (on the clock), or until `stop()`. */
  run(endMs: number): Promise<void> {
    this.running = true;
    for (const client of this.clients) this.send(new Exchange(this.driver, client));
    return new Promise((resolve) => {
      this.finish = () => {
        this.running = false;
        clearTimeout(this.timer);
        this.finish = () => {};
        resolve();
      };
      const check = () => {
        // Timers may fire a hair early; only the clock says when the run is over.
        const left = endMs - this.clock.now();
        if (left <= 0) return this.finish();
        this.timer = setTimeout(check, Math.ceil(left));
      };
      check();
    });
  }

  /** Stops at once (cancellation): no loop sends again. */
  stop(): void {
    this.finish();
  }
}
