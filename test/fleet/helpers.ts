// Shared by the fleet and gateway tests: a fleet of fixture services, and process liveness checks.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { createLogger } from '../../src/observe/log.js';
import type { FleetDeclaration } from '../../src/fleet/declaration.js';

export const fixture = fileURLToPath(new URL('./fixtures/service.js', import.meta.url));
export const quietLog = createLogger('test', 'silent');

export function shopDeclaration(overrides: Partial<FleetDeclaration['services'][number]> = {}): FleetDeclaration {
  return {
    services: [
      {
        name: 'pricing',
        command: [process.execPath, fixture],
        regions: { 'us-east': 2, 'us-west': 2 },
        health: { path: '/healthz', intervalMs: 200 },
        restart: 'always',
        restartDelayMs: 50,
        ...overrides,
      },
    ],
  };
}

export { alive } from '../proc.js';

export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}`);
    await sleep(25);
  }
}

/** One request to a fleet or gateway control API, with the lease header when given. */
export async function call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown, lease?: string) {
  const response = await request(url, {
    method,
    headers: { 'content-type': 'application/json', ...(lease ? { 'x-gameday-lease': lease } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.body.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON shapes
  const json: any = !text ? {} : response.headers['content-type']?.toString().includes('json') ? JSON.parse(text) : text;
  return { status: response.statusCode, json };
}
