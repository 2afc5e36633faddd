import type { FastifyRequest } from 'fastify';

// Where a request came from, for audit trails: "who did it" is what the requester says (`by`); "from where"
// is what the control room sees — the peer's address and its user agent. Behind a reverse proxy the address
// is the proxy's; that is still where the change entered this control room.

const MAX_USER_AGENT = 200;

export function requesterOf(request: FastifyRequest): string {
  const agent = request.headers['user-agent'];
  const text = Array.isArray(agent) ? agent[0] : agent;
  const address = request.socket.remoteAddress ?? request.ip;
  return text ? `${address} · ${text.length > MAX_USER_AGENT ? `${text.slice(0, MAX_USER_AGENT - 1)}…` : text}` : address;
}
