// A tiny service for `gameday fleet examples/fleet/fleet.yaml`: answers / with its instance and region, and
// /healthz for the fleet's and the gateway's health checks. The fleet gives it PORT and GAMEDAY_*.
import { createServer } from 'node:http';

const instance = process.env.GAMEDAY_INSTANCE ?? 'hello';
const server = createServer((request, response) => {
  if (request.url === '/healthz') return void response.writeHead(200).end('ok');
  response.writeHead(200, { 'content-type': 'text/plain' }).end(`hello from ${instance} in ${process.env.GAMEDAY_REGION}\n`);
});
server.listen(Number(process.env.PORT ?? 8080), '127.0.0.1');
// Finish in-flight requests on SIGTERM (a drain), like a well-behaved service.
process.once('SIGTERM', () => server.close(() => process.exit(0)));
