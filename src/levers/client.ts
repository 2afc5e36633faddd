import { components, controlPlaneClient } from '../control-plane/client.js';
import { leaseCalls, type LeaseCalls } from '../leases/lease-client.js';
import type { AuditEntry, Lever, LeverChange, LeverChangeResult } from './lever.js';

// A typed client of the lever service's HTTP API, for the CLI, the experiment engine's `lever` step and
// scripts, over the shared control-plane client: a refusal carries the service's own message (which names
// the lever and the known ones); every failure is a ControlPlaneError.

export const DEFAULT_LEVERS_URL = 'http://127.0.0.1:8475';

/** --url, else GAMEDAY_LEVERS_URL, else the default address of `gameday serve`. */
export function leversUrl(explicit?: string): string {
  return explicit ?? process.env.GAMEDAY_LEVERS_URL ?? DEFAULT_LEVERS_URL;
}

export interface LeversClient extends LeaseCalls {
  url: string;
  list(): Promise<Lever[]>;
  get(name: string): Promise<Lever>;
  declare(name: string, declaration: { description: string; critical_path?: string }): Promise<Lever>;
  /** With `lease`, the pull is undone by the service itself when that lease ends. */
  pull(name: string, change: LeverChange, options?: { lease?: string }): Promise<LeverChangeResult>;
  reset(name: string, change: LeverChange, options?: { lease?: string }): Promise<LeverChangeResult>;
  /** Newest first; without `lever`, the audit trail of every lever. */
  audit(lever?: string, options?: { limit?: number }): Promise<AuditEntry[]>;
}

export function connectLevers(url: string, options: { token?: string; timeoutMs?: number } = {}): LeversClient {
  const client = controlPlaneClient(components.levers, url, {
    token: options.token,
    timeoutMs: options.timeoutMs ?? 5000,
    unreachableHint: '(--url or GAMEDAY_LEVERS_URL)',
  });
  const call = client.call;
  const enc = encodeURIComponent;
  return {
    url: client.url,
    list: () => call('GET', '/levers'),
    get: (name) => call('GET', `/levers/${enc(name)}`),
    declare: (name, declaration) => call('PUT', `/levers/${enc(name)}`, { body: declaration }),
    pull: (name, change, opts) => call('POST', `/levers/${enc(name)}/pull`, { body: change, lease: opts?.lease }),
    reset: (name, change, opts) => call('POST', `/levers/${enc(name)}/reset`, { body: change, lease: opts?.lease }),
    audit: (lever, opts) => {
      const query = opts?.limit ? `?limit=${opts.limit}` : '';
      return call('GET', lever ? `/levers/${enc(lever)}/audit${query}` : `/audit${query}`);
    },
    ...leaseCalls(client),
  };
}
