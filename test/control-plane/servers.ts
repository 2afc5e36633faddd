// Every server of ours that has a control API, started the same way for the edge tests: on loopback or
// beyond it, with or without a token, on port 0, closed by t.after even when the test fails.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { Fleet } from '../../src/fleet/fleet.js';
import { startFleetControl } from '../../src/fleet/control-api.js';
import { startGatewayControl } from '../../src/gateway/control-api.js';
import { Gateway } from '../../src/gateway/gateway.js';
import { startLeverService } from '../../src/levers/lever-service.js';
import { createLogger } from '../../src/observe/log.js';
import { ProxyServer } from '../../src/proxy/server.js';
import { shopDeclaration } from '../fleet/helpers.js';

export interface ServerOptions {
  host: string;
  token?: string;
  allowedHosts?: string[];
}

export interface ServerKind {
  name: string;
  /** Starts the server; answers its port. */
  start(t: TestContext, options: ServerOptions): Promise<number>;
}

const quiet = createLogger('edge-test', 'silent');

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'gameday-edge-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const portOf = (url: string) => Number(new URL(url).port);

export const serverKinds: ServerKind[] = [
  {
    name: 'the lever service (gameday serve)',
    async start(t, options) {
      const service = await startLeverService({
        listen: `${options.host}:0`,
        token: options.token,
        allowedHosts: options.allowedHosts,
        store: join(tempDir(t), 'gameday.db'),
        levers: [{ name: 'disable-ads', description: 'stop calling the ad service' }],
        logger: quiet,
      });
      t.after(() => service.close());
      return portOf(service.url);
    },
  },
  {
    name: "the fault proxy's control API",
    async start(t, options) {
      const server = await ProxyServer.start({ listen: `${options.host}:0`, token: options.token, allowedHosts: options.allowedHosts, logger: quiet });
      t.after(() => server.close());
      return portOf(server.controlUrl);
    },
  },
  {
    name: "the fleet's control API",
    async start(t, options) {
      const fleet = await Fleet.start(shopDeclaration({ regions: { 'us-east': 1 } }), { log: quiet });
      t.after(() => fleet.stop());
      const control = await startFleetControl(fleet, { ...options, port: 0, log: quiet });
      t.after(() => control.close());
      return portOf(control.url);
    },
  },
  {
    name: "the gateway's control API",
    async start(t, options) {
      const gateway = await Gateway.start({ regions: { 'us-east': { upstreams: ['http://127.0.0.1:9'] } }, log: quiet });
      t.after(() => gateway.close());
      const control = await startGatewayControl(gateway, { ...options, port: 0, log: quiet });
      t.after(() => control.close());
      return portOf(control.url);
    },
  },
];

/**
 * An address beyond loopback to bind, and where to reach the server bound there: the wildcard 0.0.0.0,
 * reached through 127.0.0.1. A server bound to every interface is bound beyond loopback (so it must ask
 * for its token), while the test's requests still go to loopback only, on every machine alike; a test
 * that picked this machine's own interface address passed here, in a namespace with none, and failed in
 * CI, where the machine has one.
 */
export function beyondLoopback(): { bind: string; reach: string } {
  return { bind: '0.0.0.0', reach: '127.0.0.1' };
}
