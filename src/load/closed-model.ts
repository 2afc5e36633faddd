// The closed model: N connections, each sending its next request as soon as the previous answer
// arrives (autocannon, wrk). It measures the most the target can serve, not how it behaves at a given
// arrival rate; a request's intended start is simply when it was sent, so its latency equals its
// service time (a closed model cannot see coordinated omission; that is what the open model is for).
import type { Clock } from './clock.js';
import { Exchange, type ExchangeDriver } from './exchange.js';
import type { Recorder } from './recorder.js';

export class ClosedModel {
  private running = false;

  constructor(
    private readonly driver: ExchangeDriver,
    private readonly recorder: Recorder,
    private readonly clock: Clock,
    private readonly connections: number,
  ) {
    driver.onIdle = (exchange) => {
      if (this.running) this.send(exchange);
    };
  }

  private send(exchange: Exchange): void {
    this.recorder.scheduled();
    this.driver.send(exchange, this.clock.now());
  }

  /** Keeps every connection busy until `endMs` (on the clock) or until `stopped()` says so. */
  run(endMs: number, stopped: () => boolean): Promise<void> {
    this.running = true;
    for (let i = 0; i < this.connections; i++) this.send(new Exchange(this.driver));
    return new Promise((resolve) => {
      const check = () => {
        const left = endMs - this.clock.now();
        if (left <= 0 || stopped()) {
          this.running = false;
          return resolve();
        }
        setTimeout(check, Math.min(left, 50));
      };
      check();
    });
  }
}
