import type { ResolvedTarget } from './fault.js';
import { connectProxy } from '../proxy/client.js';
import type { ProxyControl } from '../proxy/types.js';

// The proxy faults and the proxy target kind reach a proxy's control API through this one function. One
// client per control API and token, so a run's injections and its reverts reuse warm connections — on the
// abort path a fresh TCP handshake per revert would be time spent with the fault still on.
/**
 * A wedged control API must not wedge the run: a call that takes longer than this fails, and the fault (if
 * it landed) is left to its lease, which the run releases or lets expire.
 */
const CONTROL_DEADLINE_MS = 5000;

const clients = new Map<string, ProxyControl & { close(): Promise<void> }>();

export function proxyControlFor(target: Pick<ResolvedTarget, 'controlUrl' | 'token'>): ProxyControl {
  const key = `${target.controlUrl}\u0000${target.token ?? ''}`;
  let client = clients.get(key);
  if (!client) {
    client = connectProxy(target.controlUrl, { token: target.token, timeoutMs: CONTROL_DEADLINE_MS });
    clients.set(key, client);
  }
  return client;
}

/** How long closing may wait for requests still in flight (a wedged proxy never answers them). */
const CLOSE_BOUND_MS = 2000;

/** Closes the pooled connections (end of a run), so the process can exit promptly. */
export async function closeProxyControls(): Promise<void> {
  const open = [...clients.values()];
  clients.clear();
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<void>((done) => (timer = setTimeout(done, CLOSE_BOUND_MS).unref()));
  await Promise.race([Promise.all(open.map((client) => client.close().catch(() => undefined))), bound]);
  clearTimeout(timer);
}
