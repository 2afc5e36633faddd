import type { ResolvedTarget } from './fault.js';
import { ProxyApiError, type Proxy, type ProxyControl, type Toxic, type ToxicSpec } from '../proxy/types.js';

// The proxy faults and the proxy target kind speak to a proxy's Toxiproxy-compatible control API through
// this one function, so what they need from the proxy is written down in one place.
export type ProxyFaultControl = Pick<ProxyControl, 'getProxy' | 'listProxies' | 'addToxic' | 'removeToxic' | 'listToxics'>;

export function proxyControlFor(target: Pick<ResolvedTarget, 'controlUrl' | 'token'>): ProxyFaultControl {
  const base = target.controlUrl.replace(/\/+$/, '');
  async function call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(target.token ? { authorization: `Bearer ${target.token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(5000),
    });
    const text = await response.text();
    if (!response.ok) {
      let message = text;
      try {
        message = (JSON.parse(text) as { error?: string }).error ?? text;
      } catch {
        // not JSON: keep the text
      }
      throw new ProxyApiError(`${method} ${base}${path}: ${response.status} ${message}`, response.status);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }
  const enc = encodeURIComponent;
  return {
    getProxy: (name) => call<Proxy>('GET', `/proxies/${enc(name)}`),
    listProxies: () => call<Record<string, Proxy>>('GET', '/proxies'),
    listToxics: (proxy) => call<Toxic[]>('GET', `/proxies/${enc(proxy)}/toxics`),
    addToxic: (proxy: string, spec: ToxicSpec, options?: { lease?: string }) =>
      call<Toxic>('POST', `/proxies/${enc(proxy)}/toxics`, spec, options?.lease ? { 'x-gameday-lease': options.lease } : {}),
    removeToxic: (proxy, toxic) => call<void>('DELETE', `/proxies/${enc(proxy)}/toxics/${enc(toxic)}`),
  };
}
