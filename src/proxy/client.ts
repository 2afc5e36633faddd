import { Agent, request } from 'undici';
import { ProxyApiError, type Lease, type Proxy, type ProxyControl, type ProxySpec, type Toxic, type ToxicSpec } from './types.js';

// ProxyControl over HTTP: the orchestrator drives a proxy in another process exactly as it would drive an
// in-process ProxyServer. Errors carry the server's message and status (Toxiproxy's {"error","status"}).
export function connectProxy(baseUrl: string, options: { token?: string } = {}): ProxyControl & { close(): Promise<void> } {
  const base = baseUrl.replace(/\/+$/, '');
  // Short keep-alive: a client that is done must not hold the proxy's control API open for long.
  const dispatcher = new Agent({ keepAliveTimeout: 1000, keepAliveMaxTimeout: 1000 });
  const enc = encodeURIComponent;

  async function call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const allHeaders: Record<string, string> = { ...headers };
    if (options.token) allHeaders.authorization = `Bearer ${options.token}`;
    if (body !== undefined) allHeaders['content-type'] = 'application/json';
    let response;
    try {
      response = await request(`${base}${path}`, {
        method: method as 'GET',
        headers: allHeaders,
        body: body === undefined ? undefined : JSON.stringify(body),
        dispatcher,
      });
    } catch (error) {
      throw new ProxyApiError(`cannot reach the proxy control API at ${base}: ${(error as Error).message}`, 503);
    }
    const text = await response.body.text();
    if (response.statusCode >= 400) {
      let message = text.trim() || `HTTP ${response.statusCode}`;
      try {
        const parsed = JSON.parse(text) as { error?: string };
        if (parsed.error) message = parsed.error;
      } catch {
        // Not Toxiproxy's JSON error shape: keep the raw text.
      }
      throw new ProxyApiError(message, response.statusCode);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }

  return {
    version: async () => (await call<{ version: string }>('GET', '/version')).version,
    listProxies: () => call('GET', '/proxies'),
    getProxy: (name) => call('GET', `/proxies/${enc(name)}`),
    createProxy: (spec: ProxySpec) => call<Proxy>('POST', '/proxies', spec),
    updateProxy: (name, patch) => call('POST', `/proxies/${enc(name)}`, patch),
    deleteProxy: (name) => call('DELETE', `/proxies/${enc(name)}`),
    populate: async (specs) => (await call<{ proxies: Proxy[] }>('POST', '/populate', specs)).proxies,
    listToxics: (proxy) => call('GET', `/proxies/${enc(proxy)}/toxics`),
    addToxic: (proxy, spec: ToxicSpec, opts = {}) =>
      call<Toxic>('POST', `/proxies/${enc(proxy)}/toxics`, spec, opts.lease ? { 'x-gameday-lease': opts.lease } : {}),
    updateToxic: (proxy, toxic, patch) => call('POST', `/proxies/${enc(proxy)}/toxics/${enc(toxic)}`, patch),
    removeToxic: (proxy, toxic) => call('DELETE', `/proxies/${enc(proxy)}/toxics/${enc(toxic)}`),
    reset: () => call('POST', '/reset'),
    createLease: ({ owner, ttlMs }) => call<Lease>('POST', '/leases', { owner, ttl_ms: ttlMs }),
    renewLease: (id) => call('POST', `/leases/${enc(id)}/renew`),
    releaseLease: (id) => call('DELETE', `/leases/${enc(id)}`),
    listLeases: () => call('GET', '/leases'),
    close: () => dispatcher.close(),
  };
}
