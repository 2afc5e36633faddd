// The fault proxy of the demo world as its own process, the way DESIGN.md runs it (a sidecar): it carries
// every link of the shop (about a thousand proxied requests a second at peak), so in its own process the OS
// can give it the other core instead of sharing one event loop with the gateway and the load generator.
// Configured by environment; prints one JSON line `{"listening": port, "pid": …}` once its control API
// accepts connections; SIGTERM/SIGINT revert every toxic and close every link before exiting.
import { createLogger } from '../observe/log.js';
import { ProxyServer } from '../proxy/server.js';

const listen = process.env.GAMEDAY_PROXY_LISTEN ?? '127.0.0.1:8474';
const server = await ProxyServer.start({ listen, logger: createLogger('proxy', process.env.GAMEDAY_LOG_LEVEL ?? 'error') });
const stop = async () => {
  setTimeout(() => process.exit(0), 3000).unref();
  await server.close();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
process.stdout.write(`${JSON.stringify({ listening: Number(new URL(server.controlUrl).port), pid: process.pid })}\n`);
