import type { ControlPlaneClient } from '../control-plane/client.js';
import type { LeaseView } from './lease-book.js';

// The caller's side of the lease protocol (docs/leases.md), the same on every component that holds
// faults: the typed clients of the proxy and the lever service include it, and the run's LeaseKeeper
// and `gameday halt` use it on whichever component a run holds a lease on.

export interface LeaseCalls {
  createLease(options: { owner: string; ttlMs: number }): Promise<LeaseView>;
  renewLease(id: string): Promise<LeaseView>;
  /** Ends the lease; every fault held under it is reverted. */
  releaseLease(id: string): Promise<void>;
  listLeases(): Promise<LeaseView[]>;
}

export function leaseCalls(client: ControlPlaneClient): LeaseCalls {
  const path = (id: string) => `/leases/${encodeURIComponent(id)}`;
  return {
    createLease: ({ owner, ttlMs }) => client.call('POST', '/leases', { body: { owner, ttl_ms: ttlMs } }),
    renewLease: (id) => client.call('POST', `${path(id)}/renew`),
    releaseLease: async (id) => {
      await client.call('DELETE', path(id));
    },
    listLeases: () => client.call('GET', '/leases'),
  };
}
