// A tiny keep-alive HTTP service for the examples: `node examples/hello-server.mjs [port]` (default 8080).
// It keeps connections open and has a real listen backlog, unlike `python3 -m http.server`, which closes
// every connection and queues only 5: under 50 requests/s through the proxy that fails on its own.
import { createServer } from 'node:http';

const port = Number(process.argv[2] ?? process.env.PORT ?? 8080);
const server = createServer((request, response) => {
  request.resume();
  response.writeHead(200, { 'content-type': 'text/plain' });
  response.end('hello from the shop\n');
});
server.keepAliveTimeout = 65_000;
server.listen({ port, host: '127.0.0.1', backlog: 511 }, () => {
  const address = server.address();
  process.stdout.write(`hello-server listening on http://127.0.0.1:${address.port}\n`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
