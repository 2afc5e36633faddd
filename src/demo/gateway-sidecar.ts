// The region gateway of the demo world as its own process: every page passes through it twice (in and
// out), so at the peak it needs a core of its own rather than a share of the event loop that also runs the
// load generator and the engine. It follows the fleet's assemblers through the fleet's control API (polled),
// so a terminated, restarted or drained instance is seen without waiting for a failed health check.
// Configured by environment; prints one JSON line once both listeners accept connections; SIGTERM/SIGINT
// revert its faults (weights back, regions reconnected) and close it.
import { startGatewayControl } from '../gateway/control-api.js';
import { Gateway } from '../gateway/gateway.js';
import { createLogger } from '../observe/log.js';

const log = createLogger('gateway', process.env.GAMEDAY_LOG_LEVEL ?? 'error');
// A request whose handling fails must not take the shop's front door down with it (the gateway at this
// commit rejects on a client that hangs up mid-request); counted and logged, never fatal.
let stray = 0;
process.on('unhandledRejection', (error) => {
  if (stray++ % 100 === 0) log.error({ err: error, count: stray }, 'unhandled error in request handling; the gateway continues');
});
const gateway = await Gateway.start({
  fleet: { service: process.env.GAMEDAY_GATEWAY_SERVICE ?? 'assembler', controlUrl: process.env.GAMEDAY_GATEWAY_FLEET ?? 'http://127.0.0.1:8476', pollIntervalMs: 250 },
  port: Number(process.env.GAMEDAY_GATEWAY_PORT ?? 8080),
  // A killed or drained assembler is seen through the fleet (polled every 250 ms) and in-flight requests are
  // retried, so checks can be lenient: on a busy two-core machine a one-second stall must not mark every
  // assembler of the only serving region down (during an evacuation that is a total outage of our making).
  health: { intervalMs: 500, timeoutMs: 2000, unhealthyThreshold: 3 },
  outlier: { consecutiveFailures: 5, ejectionMs: 2000 },
  upstreamTimeoutMs: 5000,
  log,
});
const control = await startGatewayControl(gateway, { port: Number(process.env.GAMEDAY_GATEWAY_CONTROL_PORT ?? 8477), log });
const stop = async () => {
  setTimeout(() => process.exit(0), 3000).unref();
  await control.close();
  await gateway.close();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
process.stdout.write(`${JSON.stringify({ listening: Number(new URL(gateway.url).port), control: control.url, pid: process.pid })}\n`);
