// Real pieces for the status page's tests and its benchmark: a real shop service (the demo's pricing
// backend, with its prom-client /metrics) behind the real fault proxy, a control room with the status
// module on a temporary store, and a trial that injects http_error on 100 % of requests and times how long
// /api/v2/components.json takes to leave "operational" and to come back. Everything on loopback, port 0.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startControlRoom, type ControlRoomServer } from '../../src/control-room/control-room.js';
import type { ModuleFactory } from '../../src/control-room/module.js';
import { createBackendServer } from '../../src/demo/services/backend-server.js';
import { findBackendService } from '../../src/demo/services/catalog-of-services.js';
import { createLogger } from '../../src/observe/log.js';
import { connectProxy } from '../../src/proxy/client.js';
import { ProxyServer } from '../../src/proxy/server.js';
import { loadStatusFile } from '../../src/status/config.js';
import { statusModule, type StatusModule, type StatusModuleOptions } from '../../src/status/status-module.js';

export const quiet = createLogger('status-test', 'silent');

export interface Shop {
  /** The service itself (its /metrics too). */
  serviceUrl: string;
  /** The service through the fault proxy's `shop` link. */
  url: string;
  proxyControl: string;
  /** 100 % of requests through the link answered 503 by the proxy; returns the removal. */
  breakIt(): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export async function startShop(): Promise<Shop> {
  const app = createBackendServer({ definition: findBackendService('pricing')!, identity: { service: 'pricing', region: 'test', instance: 'pricing-1', port: 0 }, serviceTimeScale: 0 });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const servicePort = (app.server.address() as AddressInfo).port;
  const proxy = await ProxyServer.start({ listen: '127.0.0.1:0', logger: quiet });
  const client = connectProxy(proxy.controlUrl);
  const link = await client.createProxy({ name: 'shop', listen: '127.0.0.1:0', upstream: `127.0.0.1:${servicePort}`, protocol: 'http', enabled: true });
  return {
    serviceUrl: `http://127.0.0.1:${servicePort}`,
    url: `http://${link.listen}`,
    proxyControl: proxy.controlUrl,
    breakIt: async () => {
      const toxic = await client.addToxic('shop', { name: 'broken', type: 'http_error', attributes: { status: 503, percentage: 100 } });
      return async () => void (await client.removeToxic('shop', toxic.name));
    },
    close: async () => {
      await client.close();
      await proxy.close();
      await app.close();
    },
  };
}

export interface Room {
  server: ControlRoomServer;
  status: StatusModule;
  url: string;
  dir: string;
  close(): Promise<void>;
}

/** A control room of `modules` (given the loaded status.yaml, if any) in a temporary folder, on its own store or the one given. */
export async function startRoom(
  yaml: string | undefined,
  modules: (loaded: ReturnType<typeof loadStatusFile> | undefined) => ModuleFactory[],
  options: { store?: string; env?: NodeJS.ProcessEnv; prefix?: string } = {},
): Promise<{ server: ControlRoomServer; url: string; dir: string; store: string; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), options.prefix ?? 'gameday-status-'));
  let loaded;
  if (yaml !== undefined) {
    writeFileSync(join(dir, 'status.yaml'), yaml);
    loaded = loadStatusFile(join(dir, 'status.yaml'), options.env);
  }
  const store = options.store ?? join(dir, 'store.db');
  const server = await startControlRoom({ listen: '127.0.0.1:0', store, logger: quiet, modules: modules(loaded) });
  let closed = false;
  return {
    server,
    url: server.url,
    dir,
    store,
    close: async () => {
      if (closed) return;
      closed = true;
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A control room with the status module, the given status.yaml, and a store of its own (or the one given). */
export async function startStatusRoom(yaml: string | undefined, options: Omit<StatusModuleOptions, 'loaded'> & { store?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Room> {
  const room = await startRoom(yaml, (loaded) => [statusModule({ ...options, loaded })], options);
  return { ...room, status: room.server.module<StatusModule>('status')! };
}

export interface ApiComponent {
  id: string;
  status: string;
  gameday_status: string;
  slis: Array<{ text: string; source: string; fresh: boolean; status: string }>;
  declaration: { status: string | null; message: string; author: string; at: string } | null;
  drill: { runs: string[] } | null;
}

export async function component(url: string, id: string): Promise<ApiComponent | undefined> {
  const response = await fetch(`${url}/api/v2/components.json`);
  if (!response.ok) return undefined;
  return ((await response.json()) as { components: ApiComponent[] }).components.find((c) => c.id === id);
}

/** Polls every 50 ms until `check` holds; returns how long that took, or throws after `timeoutMs` with the last value. */
export async function waitFor<T>(what: string, read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 30_000): Promise<number> {
  const started = performance.now();
  let last: T | undefined;
  while (performance.now() - started < timeoutMs) {
    try {
      last = await read();
      if (check(last)) return performance.now() - started;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what}: not within ${timeoutMs}ms; last seen ${JSON.stringify(last)}`);
}

/**
 * One trial: the component is operational; the shop is broken (http_error, 100 %) and the time until
 * /api/v2/components.json says something else is measured; then the fault is removed and the time until
 * it says operational again.
 */
export async function faultTrial(shop: Shop, roomUrl: string, componentId: string, timeoutMs = 60_000): Promise<{ toRedMs: number; backMs: number; red: string }> {
  const statusOf = async () => (await component(roomUrl, componentId))?.gameday_status;
  await waitFor(`${componentId} operational before the fault`, statusOf, (s) => s === 'operational', timeoutMs);
  const unbreak = await shop.breakIt();
  let red = '';
  let toRedMs: number;
  try {
    toRedMs = await waitFor(`${componentId} not operational under http_error 100%`, statusOf, (s) => s !== undefined && s !== 'operational' && s !== 'no_data', timeoutMs);
    red = (await statusOf()) ?? '';
  } finally {
    await unbreak();
  }
  const backMs = await waitFor(`${componentId} operational again after the fault`, statusOf, (s) => s === 'operational', timeoutMs);
  return { toRedMs, backMs, red };
}

/** The status.yaml of the trials: one HTTP-monitored component on the shop, windows short enough to recover in seconds. */
export function httpStatusYaml(shopUrl: string, extra = ''): string {
  return `
page: { name: Test shop }
monitors:
  shop:
    http: { url: ${shopUrl}/product/42, every: 250ms, timeout: 250ms, expect: { status: 200, body: '"priceCents"' } }
components:
  - id: shop
    name: Shop
    slis:
      - { monitor: shop, sli: availability, window: 2s, operational: 99%, degraded_performance: 95%, partial_outage: 50% }
${extra}`;
}
