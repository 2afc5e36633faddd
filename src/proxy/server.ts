import { createRequire } from 'node:module';
import { isLoopbackAddress } from '../control-plane/guard.js';
import { LeaseBook, LeaseNotFoundError } from '../leases/lease-book.js';
import { createLogger, type Logger } from '../observe/log.js';
import { startControlApi, type ControlApi } from './api.js';
import { LiveProxy, newToxicId, parseAddress, sameListen, systemBacklog, toxicView } from './live-proxy.js';
import { ProxyMetrics } from './metrics.js';
import { toxicKinds } from './toxics/registry.js';
import type { ToxicEntry } from './toxics/toxic.js';
import {
  ProxyApiError,
  type Lease,
  type Proxy,
  type ProxyControl,
  type ProxySpec,
  type Stream,
  type Toxic,
  type ToxicSpec,
} from './types.js';

export interface ProxyServerOptions {
  /** Control API address; default 127.0.0.1:8474 (tests use 127.0.0.1:0). */
  listen?: string;
  /** Required when `listen` is not a loopback address: every request must send Authorization: Bearer <token>. */
  token?: string;
  logger?: Logger;
  /** Proxies to create at start (Toxiproxy's populate format). */
  config?: ProxySpec[];
  /** More names the control API is reached by, beyond loopback and its own address (see src/control-plane/guard.ts). */
  allowedHosts?: readonly string[];
  /** Accept queue length of every proxy's listener; default: as long as the system allows (somaxconn). */
  backlog?: number;
}

const require = createRequire(import.meta.url);
const { version: packageVersion } = require('../../../package.json') as { version: string };

// The fault proxy: Toxiproxy's model (proxies with toxics) plus leases, so that a fault injected by a run
// that died is removed by the proxy itself. The control API (./api.ts) is a thin HTTP edge over this class;
// in-process callers use it directly through the same ProxyControl contract as the HTTP client.
export class ProxyServer implements ProxyControl {
  private readonly proxies = new Map<string, LiveProxy>();
  readonly leases: LeaseBook;
  readonly metrics: ProxyMetrics;
  private api: ControlApi | null = null;

  /** `hasToken`: whether the control API requires a token; without one, data-plane listens stay on loopback. */
  private constructor(
    readonly log: Logger,
    private readonly hasToken: boolean,
    private readonly backlog: number,
  ) {
    this.metrics = new ProxyMetrics(() => this.sample());
    this.leases = new LeaseBook({
      onEnd: (lease, reason, errors) => {
        if (reason === 'expired') {
          this.metrics.leaseExpiries.inc();
          this.log.warn({ lease: lease.id, owner: lease.owner, faults: lease.faults }, 'lease expired');
        } else {
          this.log.info({ lease: lease.id, owner: lease.owner, faults: lease.faults }, 'lease released');
        }
        for (const error of errors) this.log.error({ lease: lease.id, err: String(error) }, 'revert failed');
      },
    });
  }

  static async start(options: ProxyServerOptions = {}): Promise<ProxyServer> {
    const listen = options.listen ?? '127.0.0.1:8474';
    const { host, port } = parseAddress(listen, 'listen');
    if (!isLoopbackAddress(host) && !options.token) {
      throw new ProxyApiError(`the control API may listen on ${host} only with an access token (--token)`, 400);
    }
    const backlog = options.backlog ?? systemBacklog();
    if (!Number.isInteger(backlog) || backlog < 1) throw new ProxyApiError(`backlog must be a positive whole number, got ${backlog}`, 400);
    const server = new ProxyServer(options.logger ?? createLogger('proxy'), Boolean(options.token), backlog);
    try {
      if (options.config) await server.populate(options.config);
      server.api = await startControlApi(server, { host, port, token: options.token, allowedHosts: options.allowedHosts });
    } catch (error) {
      await server.close();
      throw error;
    }
    server.log.info({ controlUrl: server.controlUrl }, 'proxy control API listening');
    return server;
  }

  get controlUrl(): string {
    if (!this.api) throw new Error('the proxy server is not listening');
    return this.api.url;
  }

  /** Reverts every fault, stops every proxy, and closes the control API. */
  async close(): Promise<void> {
    await this.leases.releaseAll();
    for (const proxy of this.proxies.values()) proxy.toxics = [];
    await Promise.all([...this.proxies.values()].map((proxy) => proxy.stop()));
    this.proxies.clear();
    await this.api?.close();
    this.api = null;
  }

  async version(): Promise<string> {
    return packageVersion;
  }

  async listProxies(): Promise<Record<string, Proxy>> {
    return Object.fromEntries([...this.proxies.values()].map((proxy) => [proxy.name, proxy.view()]));
  }

  async getProxy(name: string): Promise<Proxy> {
    return this.mustGet(name).view();
  }

  async createProxy(spec: ProxySpec): Promise<Proxy> {
    const input = checkSpec(spec, this.hasToken);
    if (this.proxies.has(input.name)) throw new ProxyApiError('proxy already exists', 409);
    const proxy = new LiveProxy(input.name, input.listen, input.upstream, input.protocol ?? 'tcp', this.log, this.metrics, this.backlog);
    if (input.enabled !== false) await proxy.start();
    this.proxies.set(proxy.name, proxy);
    return proxy.view();
  }

  async updateProxy(name: string, body: Partial<Omit<ProxySpec, 'name'>>): Promise<Proxy> {
    const proxy = this.mustGet(name);
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new ProxyApiError('bad request body: expected a proxy object', 400);
    const patch = withoutNulls(body);
    checkFieldTypes(patch);
    if (patch.protocol !== undefined && patch.protocol !== proxy.protocol) {
      throw new ProxyApiError('protocol cannot change; delete the proxy and create it again', 400);
    }
    const listen = patch.listen ?? proxy.listen;
    const upstream = patch.upstream ?? proxy.upstream;
    checkListen(listen, this.hasToken);
    parseAddress(upstream, 'upstream');
    const enabled = patch.enabled ?? proxy.enabled;
    if (!(await sameListen(listen, proxy.listen)) || upstream !== proxy.upstream) {
      // A changed address means new connections: stop, re-address, start (as Toxiproxy does).
      await proxy.stop();
      proxy.listen = listen;
      proxy.setUpstream(upstream);
    }
    if (enabled) await proxy.start();
    else await proxy.stop();
    return proxy.view();
  }

  async deleteProxy(name: string): Promise<void> {
    const proxy = this.mustGet(name);
    for (const toxic of proxy.toxics) this.detach(toxic);
    this.proxies.delete(name);
    await proxy.stop();
    // Its last counts go out with it; its gauge no longer counts connections.
    proxy.sample();
    this.metrics.activeConnections.set({ proxy: name }, 0);
  }

  /**
   * Toxiproxy's populate: create or replace; a proxy with the same name, listen and upstream is kept (with
   * its toxics and connections). Unlike Toxiproxy, every entry is checked before any is touched.
   */
  async populate(specs: ProxySpec[]): Promise<Proxy[]> {
    if (!Array.isArray(specs)) throw new ProxyApiError('bad request body: expected a JSON array of proxies', 400);
    const inputs = specs.map((spec, index) => {
      try {
        return checkSpec(spec, this.hasToken);
      } catch (error) {
        // Toxiproxy's words, with the entry counted from 1: "missing required field: name at proxy 2".
        if (error instanceof ProxyApiError) throw new ProxyApiError(`${error.message} at proxy ${index + 1}`, error.status);
        throw error;
      }
    });
    const result: Proxy[] = [];
    for (const input of inputs) {
      const existing = this.proxies.get(input.name);
      if (existing && existing.upstream === input.upstream && (await sameListen(input.listen, existing.listen))) {
        result.push(existing.view());
        continue;
      }
      if (existing) await this.deleteProxy(input.name);
      result.push(await this.createProxy(input));
    }
    return result;
  }

  async listToxics(proxy: string): Promise<Toxic[]> {
    return this.mustGet(proxy).toxics.map(toxicView);
  }

  async getToxic(proxy: string, name: string): Promise<Toxic> {
    return toxicView(this.mustGetToxic(this.mustGet(proxy), name));
  }

  async addToxic(proxyName: string, body: ToxicSpec, options: { lease?: string } = {}): Promise<Toxic> {
    const proxy = this.mustGet(proxyName);
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new ProxyApiError('bad request body: expected a toxic object', 400);
    // Toxiproxy's clients send null for what they leave out (the Go client: "attributes": null), which
    // Toxiproxy reads as "not given"; so do we. The checks run in Toxiproxy's order, so the same mistake
    // gets the same answer: stream, type, name taken (409), then attributes.
    const spec = withoutNulls(body);
    // Toxiproxy reads the stream in any case ("UpStream"), and names a nameless toxic with it as sent.
    const sentStream = spec.stream as unknown;
    const lower = typeof sentStream === 'string' ? sentStream.toLowerCase() : sentStream;
    if (lower !== undefined && lower !== 'upstream' && lower !== 'downstream') {
      throw new ProxyApiError('stream was invalid, can be either upstream or downstream', 400);
    }
    const given = lower as Stream | undefined;
    const kind = toxicKinds.get(spec.type ?? '');
    if (!kind) {
      throw new ProxyApiError(`invalid toxic type: "${spec.type ?? ''}"; known types: ${[...toxicKinds.keys()].join(', ')}`, 400);
    }
    if (spec.name !== undefined && typeof spec.name !== 'string') {
      throw new ProxyApiError(`name must be a string, got ${JSON.stringify(spec.name)}`, 400);
    }
    if (spec.attributes !== undefined && (typeof spec.attributes !== 'object' || Array.isArray(spec.attributes))) {
      throw new ProxyApiError(`attributes must be an object, got ${JSON.stringify(spec.attributes)}`, 400);
    }
    const stream: Stream = given ?? (kind.scope === 'request' ? 'upstream' : 'downstream');
    const name = spec.name || `${kind.type}_${typeof sentStream === 'string' ? sentStream : stream}`;
    if (proxy.toxics.some((toxic) => toxic.name === name)) throw new ProxyApiError('toxic already exists', 409);
    const entry = this.buildEntry(proxy, { ...spec, type: kind.type, name, stream }, spec.attributes ?? {});
    if (options.lease !== undefined) {
      if (!this.leases.has(options.lease)) throw new ProxyApiError(new LeaseNotFoundError(options.lease).message, 404);
      const key = this.leases.hold(options.lease, {
        description: `proxy ${proxy.name}: toxic ${name} (${kind.type} ${stream})`,
        revert: () => this.revertLeased(proxy.name, name, key),
      });
      entry.lease = { id: options.lease, key };
    }
    proxy.toxics.push(entry);
    proxy.toxicsChanged();
    this.log.info({ proxy: proxy.name, toxic: toxicView(entry) }, 'toxic added');
    return toxicView(entry);
  }

  async updateToxic(proxyName: string, name: string, body: Partial<ToxicSpec>): Promise<Toxic> {
    const proxy = this.mustGet(proxyName);
    const old = this.mustGetToxic(proxy, name);
    const patch = body && typeof body === 'object' ? withoutNulls(body) : {};
    if (patch.attributes !== undefined && (typeof patch.attributes !== 'object' || Array.isArray(patch.attributes))) {
      throw new ProxyApiError(`attributes must be an object, got ${JSON.stringify(patch.attributes)}`, 400);
    }
    const attributes = { ...old.attributes, ...(patch.attributes ?? {}) };
    const entry = this.buildEntry(proxy, { ...old, toxicity: patch.toxicity ?? old.toxicity }, attributes, old.uid);
    entry.lease = old.lease;
    proxy.toxics[proxy.toxics.indexOf(old)] = entry;
    proxy.toxicsChanged();
    this.log.info({ proxy: proxy.name, toxic: toxicView(entry) }, 'toxic updated');
    return toxicView(entry);
  }

  async removeToxic(proxyName: string, name: string): Promise<void> {
    const proxy = this.mustGet(proxyName);
    const entry = this.mustGetToxic(proxy, name);
    // Removed by hand: the lease no longer holds it, so its expiry must not touch a later toxic of that name.
    this.detach(entry);
    this.drop(proxy, entry, 'toxic removed');
  }

  async reset(): Promise<void> {
    for (const proxy of this.proxies.values()) {
      for (const toxic of [...proxy.toxics]) {
        this.detach(toxic);
        this.drop(proxy, toxic, 'toxic removed by reset');
      }
      await proxy.start();
    }
  }

  async createLease(options: { owner: string; ttlMs: number }): Promise<Lease> {
    try {
      return this.leases.create(options.owner, options.ttlMs);
    } catch (error) {
      throw new ProxyApiError((error as Error).message, 400);
    }
  }

  async renewLease(id: string): Promise<Lease> {
    return this.withLease(() => this.leases.renew(id));
  }

  async releaseLease(id: string): Promise<void> {
    await this.withLease(() => this.leases.release(id));
  }

  async listLeases(): Promise<Lease[]> {
    return this.leases.list();
  }

  private async withLease<T>(action: () => T | Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      if (error instanceof LeaseNotFoundError) throw new ProxyApiError(error.message, 404);
      throw error;
    }
  }

  private buildEntry(
    proxy: LiveProxy,
    spec: { name: string; type: string; stream: Stream; toxicity?: number },
    rawAttributes: Record<string, unknown>,
    uid?: number,
  ): ToxicEntry {
    const kind = toxicKinds.get(spec.type)!;
    const toxicity = spec.toxicity ?? 1;
    if (typeof toxicity !== 'number' || !(toxicity >= 0 && toxicity <= 1)) {
      throw new ProxyApiError(`toxicity must be a number between 0 and 1, got ${JSON.stringify(spec.toxicity)}`, 400);
    }
    if (kind.scope === 'request' && proxy.protocol !== 'http') {
      throw new ProxyApiError(`${kind.type} acts on HTTP requests: create proxy "${proxy.name}" with "protocol": "http"`, 400);
    }
    // Strict: an attribute we do not know (a typo, another tool's key) must not be dropped, because the
    // toxic would then hit more than the caller asked for (e.g. every request instead of one path).
    const parsed = kind.attributes.safeParse(rawAttributes);
    if (!parsed.success) {
      const expected = Object.keys((kind.attributes as unknown as { shape?: Record<string, unknown> }).shape ?? {});
      const issues = parsed.error.issues.map((issue) =>
        issue.code === 'unrecognized_keys'
          ? `unknown attribute${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${[...issue.path, key].join('.')}"`).join(', ')}; expected: ${expected.join(', ')}`
          : `attributes.${issue.path.join('.')}: ${issue.message}`,
      );
      throw new ProxyApiError(`bad attributes for ${kind.type} toxic "${spec.name}": ${issues.join('; ')}`, 400);
    }
    const id = newToxicId();
    return { id, uid: uid ?? id, name: spec.name, type: kind.type, stream: spec.stream, toxicity, attributes: parsed.data, kind };
  }

  /** The lease ran out (or was released): remove the toxic if it is still the one the lease holds. */
  private revertLeased(proxyName: string, name: string, key: string): void {
    const proxy = this.proxies.get(proxyName);
    const entry = proxy?.toxics.find((toxic) => toxic.name === name && toxic.lease?.key === key);
    if (proxy && entry) this.drop(proxy, entry, 'toxic reverted by its lease');
  }

  private detach(entry: ToxicEntry): void {
    if (entry.lease) this.leases.detach(entry.lease.id, entry.lease.key);
  }

  private drop(proxy: LiveProxy, entry: ToxicEntry, message: string): void {
    proxy.toxics = proxy.toxics.filter((toxic) => toxic !== entry);
    proxy.toxicsChanged(entry);
    this.log.info({ proxy: proxy.name, toxic: entry.name, lease: entry.lease?.id }, message);
  }

  private mustGet(name: string): LiveProxy {
    const proxy = this.proxies.get(name);
    if (!proxy) throw new ProxyApiError('proxy not found', 404);
    return proxy;
  }

  private mustGetToxic(proxy: LiveProxy, name: string): ToxicEntry {
    const entry = proxy.toxics.find((toxic) => toxic.name === name);
    if (!entry) throw new ProxyApiError('toxic not found', 404);
    return entry;
  }

  private sample(): void {
    this.metrics.activeToxics.reset();
    for (const proxy of this.proxies.values()) {
      proxy.sample();
      for (const toxic of proxy.toxics) {
        this.metrics.activeToxics.inc({ proxy: proxy.name, type: toxic.type, leased: toxic.lease ? 'yes' : 'no' });
      }
    }
  }
}

/** Toxiproxy's clients send null for fields they leave out; Toxiproxy (Go's JSON decoding) reads them as not given. */
function withoutNulls<T extends object>(body: T): Partial<T> {
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== null)) as Partial<T>;
}

function checkSpec(body: ProxySpec, hasToken: boolean): ProxySpec {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new ProxyApiError('bad request body: expected a proxy object', 400);
  const spec = withoutNulls(body) as ProxySpec;
  if (typeof spec.name !== 'string' || spec.name.length < 1) throw new ProxyApiError('missing required field: name', 400);
  checkFieldTypes(spec);
  if (typeof spec.upstream !== 'string' || spec.upstream.length < 1) {
    throw new ProxyApiError('missing required field: upstream', 400);
  }
  if (spec.protocol !== undefined && spec.protocol !== 'tcp' && spec.protocol !== 'http') {
    throw new ProxyApiError(`protocol must be "tcp" or "http", got ${JSON.stringify(spec.protocol)}`, 400);
  }
  // Toxiproxy listens on an OS-chosen loopback port when listen is empty.
  const listen = spec.listen || '127.0.0.1:0';
  checkListen(listen, hasToken);
  parseAddress(spec.upstream, 'upstream');
  return { ...spec, listen };
}

/** A field of the wrong type is refused, not coerced: `"enabled": "no"` must not mean enabled. */
function checkFieldTypes(spec: Partial<ProxySpec>): void {
  for (const field of ['listen', 'upstream'] as const) {
    if (spec[field] !== undefined && typeof spec[field] !== 'string') {
      throw new ProxyApiError(`${field} must be a string host:port, got ${JSON.stringify(spec[field])}`, 400);
    }
  }
  if (spec.enabled !== undefined && typeof spec.enabled !== 'boolean') {
    throw new ProxyApiError(`enabled must be true or false, got ${JSON.stringify(spec.enabled)}`, 400);
  }
}

/**
 * Every server binds loopback unless an access token protects the control API: a proxy listening on
 * 0.0.0.0 opens a path to the upstream for the whole network, which only an authenticated caller may do.
 */
function checkListen(listen: string, hasToken: boolean): void {
  const { host } = parseAddress(listen, 'listen');
  if (!isLoopbackAddress(host) && !hasToken) {
    throw new ProxyApiError(
      `listen ${listen}: a proxy may listen on a non-loopback address (${host}) only when the control API requires an access token (start it with --token); use 127.0.0.1`,
      400,
    );
  }
}
