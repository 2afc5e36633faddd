// The typed contract of the fault proxy's control plane. The orchestrator drives proxies through
// `ProxyControl`, either in-process (the ProxyServer itself) or over HTTP (the client), and never
// needs to know which.
import type { LeaseView } from '../leases/lease-book.js';

export type Stream = 'upstream' | 'downstream';

/** What a caller sends to create a toxic (Toxiproxy's shape, plus the optional lease). */
export interface ToxicSpec {
  name?: string;
  type: string;
  stream?: Stream;
  /** Probability (0..1) that a connection (TCP toxics) or a request (HTTP faults) gets the toxic. */
  toxicity?: number;
  attributes?: Record<string, unknown>;
}

/** A toxic as the proxy reports it (Toxiproxy's JSON shape; `lease` is our additive field). */
export interface Toxic {
  name: string;
  type: string;
  stream: Stream;
  toxicity: number;
  attributes: Record<string, unknown>;
  /** Present when the toxic is held under a lease; absent for permanent (plain Toxiproxy) toxics. */
  lease?: string;
}

export interface ProxySpec {
  name: string;
  /** host:port; port 0 picks a free port, reported back in `listen`. */
  listen: string;
  upstream: string;
  enabled?: boolean;
  /** Additive: 'http' enables the per-request HTTP faults on this proxy. Default 'tcp'. */
  protocol?: 'tcp' | 'http';
}

export interface Proxy {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  protocol: 'tcp' | 'http';
  toxics: Toxic[];
}

/** A lease as every component's lease protocol reports it (docs/leases.md). */
export type Lease = LeaseView;

export interface ProxyControl {
  version(): Promise<string>;
  listProxies(): Promise<Record<string, Proxy>>;
  getProxy(name: string): Promise<Proxy>;
  createProxy(spec: ProxySpec): Promise<Proxy>;
  updateProxy(name: string, patch: Partial<Omit<ProxySpec, 'name'>>): Promise<Proxy>;
  deleteProxy(name: string): Promise<void>;
  populate(specs: ProxySpec[]): Promise<Proxy[]>;
  listToxics(proxy: string): Promise<Toxic[]>;
  /** With `lease`, the toxic is removed by the proxy itself when that lease expires. */
  addToxic(proxy: string, spec: ToxicSpec, options?: { lease?: string }): Promise<Toxic>;
  updateToxic(proxy: string, toxic: string, patch: Partial<ToxicSpec>): Promise<Toxic>;
  removeToxic(proxy: string, toxic: string): Promise<void>;
  /** Toxiproxy's /reset: enables every proxy and removes every toxic. */
  reset(): Promise<void>;
  createLease(options: { owner: string; ttlMs: number }): Promise<Lease>;
  renewLease(id: string): Promise<Lease>;
  /** Removes the lease and reverts every toxic held under it. */
  releaseLease(id: string): Promise<void>;
  listLeases(): Promise<Lease[]>;
}

/** Errors from the control plane carry Toxiproxy's HTTP status (404 missing, 409 conflict, 400 bad input). */
export class ProxyApiError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
  }
}
