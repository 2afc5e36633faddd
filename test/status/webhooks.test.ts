// Webhooks on every change of status, to a real receiver on loopback: each change is delivered exactly
// once, signed with HMAC-SHA256 over the raw body, retried with backoff while the receiver answers 500, in
// the order of the changes, and nothing is sent while nothing changes.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { component, faultTrial, httpStatusYaml, startShop, startStatusRoom, waitFor } from './helpers.js';

interface Received {
  delivery: string;
  signature: string;
  event: string;
  body: string;
  answered: number;
  atMs: number;
}

test('every change is delivered once, signed, in order, retried after 500s; no change sends nothing', async (t) => {
  const shop = await startShop();
  t.after(() => shop.close());
  const received: Received[] = [];
  let failuresLeft = 2;
  const receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk));
    request.on('end', () => {
      const answered = failuresLeft > 0 ? 500 : 200;
      if (failuresLeft > 0) failuresLeft--;
      received.push({
        delivery: String(request.headers['x-gameday-delivery']),
        signature: String(request.headers['x-gameday-signature-256']),
        event: String(request.headers['x-gameday-event']),
        body,
        answered,
        atMs: performance.now(),
      });
      response.writeHead(answered).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => receiver.close(resolve)));
  const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const secret = 'a-secret-of-our-own-making';
  const room = await startStatusRoom(httpStatusYaml(shop.url, `webhooks:\n  - { url: ${hook}, secret_env: TEST_HOOK_SECRET }\n`), { env: { TEST_HOOK_SECRET: secret } });
  t.after(() => room.close());

  await faultTrial(shop, room.url, 'shop');
  const readChanges = () => room.server.store.all<{ seq: number; to_status: string }>('SELECT seq, to_status FROM status_changes ORDER BY seq');
  // The page is computed on every read; the facts are appended by the monitors' room a tick later.
  await waitFor('operational again, recorded', readChanges, (rows) => rows.length >= 3 && rows.at(-1)!.to_status === 'operational');
  const changes = await readChanges();
  assert.ok(changes.length >= 3, `first status, red, operational again: ${changes.map((c) => c.to_status).join(' → ')}`);
  await waitFor('every change delivered', async () => received.filter((r) => r.answered === 200).length, (n) => n >= changes.length, 30_000);

  const delivered = received.filter((r) => r.answered === 200);
  assert.equal(delivered.length, changes.length, 'one successful delivery per change');
  assert.equal(new Set(delivered.map((r) => r.delivery)).size, changes.length, 'never twice the same');
  for (const r of received) {
    assert.equal(r.signature, `sha256=${createHmac('sha256', secret).update(r.body).digest('hex')}`, 'signed over the raw body');
    assert.equal(r.event, 'component.status');
  }
  const bodies = delivered.map((r) => JSON.parse(r.body) as { gameday: { change_seq: number; to: string; source: string }; component_update: { new_status: string; component_id: string } });
  assert.deepEqual(bodies.map((b) => b.gameday.change_seq), changes.map((c) => Number(c.seq)), 'in the order of the changes');
  assert.deepEqual(bodies.map((b) => b.gameday.to), changes.map((c) => c.to_status));
  assert.equal(bodies[0].component_update.component_id, 'shop');
  // The first change was answered 500 twice: the same delivery came three times, a second and then two later.
  const first = received.filter((r) => r.delivery === delivered[0].delivery);
  assert.deepEqual(first.map((r) => r.answered), [500, 500, 200]);
  assert.ok(first[1].atMs - first[0].atMs >= 900 && first[2].atMs - first[1].atMs >= 1900, 'backoff of 1 s, then 2 s');
  // The room records a delivery once the receiver's answer is back, a moment after the receiver saw it.
  const readDeliveries = () => room.server.store.all<{ attempts: number; delivered_at: string | null }>('SELECT attempts, delivered_at FROM status_deliveries ORDER BY change_seq');
  await waitFor('every delivery recorded', readDeliveries, (all) => all.length === changes.length && all.every((r) => r.delivered_at !== null), 10_000);
  const rows = await readDeliveries();
  assert.deepEqual(rows.map((r) => [r.attempts, r.delivered_at !== null]), changes.map((_, i) => [i === 0 ? 3 : 1, true]), 'every attempt is recorded');

  const before = received.length;
  await waitFor('still operational', async () => (await component(room.url, 'shop'))?.gameday_status, (s) => s === 'operational');
  await new Promise((resolve) => setTimeout(resolve, 2000));
  assert.equal(received.length, before, 'no change, no webhook');
});
