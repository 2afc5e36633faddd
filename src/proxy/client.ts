import { Agent } from 'undici';
import { components, controlPlaneClient } from '../control-plane/client.js';
import { leaseCalls } from '../leases/lease-client.js';
import type { Proxy, ProxyControl, ProxySpec, Toxic, ToxicSpec } from './types.js';

// ProxyControl over HTTP: the orchestrator drives a proxy in another process exactly as it would drive an
// in-process ProxyServer. A refusal carries the proxy's own message and status (Toxiproxy's
// {"error","status"}); every failure is a ControlPlaneError (src/control-plane/client.ts).
export function connectProxy(baseUrl: string, options: { token?: string; timeoutMs?: number } = {}): ProxyControl & { close(): Promise<void> } {
  // Short keep-alive: a client that is done must not hold the proxy's control API open for long.
  const dispatcher = new Agent({ keepAliveTimeout: 1000, keepAliveMaxTimeout: 1000 });
  const client = controlPlaneClient(components.proxy, baseUrl, { token: options.token, timeoutMs: options.timeoutMs, dispatcher });
  const call = client.call;
  const enc = encodeURIComponent;

  return {
    version: async () => (await call<{ version: string }>('GET', '/version')).version,
    listProxies: () => call('GET', '/proxies'),
    getProxy: (name) => call('GET', `/proxies/${enc(name)}`),
    createProxy: (spec: ProxySpec) => call<Proxy>('POST', '/proxies', { body: spec }),
    updateProxy: (name, patch) => call('POST', `/proxies/${enc(name)}`, { body: patch }),
    deleteProxy: (name) => call('DELETE', `/proxies/${enc(name)}`),
    populate: async (specs) => (await call<{ proxies: Proxy[] }>('POST', '/populate', { body: specs })).proxies,
    listToxics: (proxy) => call('GET', `/proxies/${enc(proxy)}/toxics`),
    addToxic: (proxy, spec: ToxicSpec, opts = {}) => call<Toxic>('POST', `/proxies/${enc(proxy)}/toxics`, { body: spec, lease: opts.lease }),
    updateToxic: (proxy, toxic, patch) => call('POST', `/proxies/${enc(proxy)}/toxics/${enc(toxic)}`, { body: patch }),
    removeToxic: (proxy, toxic) => call('DELETE', `/proxies/${enc(proxy)}/toxics/${enc(toxic)}`),
    reset: () => call('POST', '/reset'),
    ...leaseCalls(client),
    close: () => dispatcher.close(),
  };
}
