import { Counter, Gauge, type Registry } from 'prom-client';
import type { LeverBoard } from './lever-board.js';
import type { LeverStream } from './lever-stream.js';

// The levers' series in the control room's /metrics. One registry per control room (not prom-client's
// global one) so that two control rooms in one process — tests, `gameday demo` — never mix their series.
export function leverMetrics(board: LeverBoard, stream: LeverStream, registry: Registry): void {
  new Gauge({
    name: 'gameday_lever_pulled',
    help: 'Whether the lever is pulled (1) or reset (0).',
    labelNames: ['lever'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const lever of await board.list()) this.set({ lever: lever.name }, lever.state === 'pulled' ? 1 : 0);
    },
  });
  const changes = new Counter({
    name: 'gameday_lever_changes_total',
    help: 'Lever state changes, by lever and action (pull, reset); attempts that found the lever already in that state are not counted.',
    labelNames: ['lever', 'action'],
    registers: [registry],
  });
  new Gauge({
    name: 'gameday_lever_stream_clients',
    help: 'Readers connected to the push channel (GET /events).',
    registers: [registry],
    collect() {
      this.set(stream.clients);
    },
  });
  new Gauge({
    name: 'gameday_lever_leases',
    help: 'Live leases held by the lever service.',
    registers: [registry],
    async collect() {
      this.set((await board.leases.list()).length);
    },
  });
  board.subscribe((event) => {
    if (event.changed && event.action !== 'declare') changes.inc({ lever: event.lever.name, action: event.action });
  });
}
