// The demo shop's own status page (examples/status/shop.yaml) against the running demo world: every section
// of the product page is a component; pulling the lever that sheds recommendations takes that component
// out of operational while the product page and checkout stay operational — graceful degradation, seen
// on the status page as it happens.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { startWorld } from '../../src/demo/world.js';
import { connectLevers } from '../../src/levers/client.js';
import { repoRoot } from '../cli-process.js';
import { quiet, startStatusRoom, waitFor } from './helpers.js';

interface Listed {
  id: string;
  gameday_status: string;
}

test('the demo shop\'s status page follows the shop: shedding recommendations shows on that component alone', { timeout: 150_000 }, async (t) => {
  const world = await startWorld({ log: quiet });
  t.after(() => world.stop());
  const room = await startStatusRoom(readFileSync(join(repoRoot, 'examples/status/shop.yaml'), 'utf8'));
  t.after(() => room.close());
  const statuses = async () => {
    const listed = ((await (await fetch(`${room.url}/api/v2/components.json`)).json()) as { components: Listed[] }).components;
    return Object.fromEntries(listed.filter((c) => !c.id.startsWith('group-')).map((c) => [c.id, c.gameday_status]));
  };
  const all = ['product-page', 'checkout', 'recommendations', 'reviews', 'ads', 'delivery'];
  await waitFor('every component operational', statuses, (s) => all.every((id) => s[id] === 'operational'), 30_000);

  const levers = connectLevers(world.urls.levers);
  await levers.pull('disable-recommendations', { by: 'status test', reason: 'shed recommendations' });
  t.after(() => levers.reset('disable-recommendations', { by: 'status test', reason: 'done' }).catch(() => undefined));
  await waitFor('recommendations not operational', statuses, (s) => s.recommendations !== 'operational' && s.recommendations !== 'no_data', 30_000);
  const during = await statuses();
  for (const id of ['product-page', 'checkout', 'reviews', 'ads', 'delivery']) assert.equal(during[id], 'operational', `${id} is unaffected`);
  const page = await (await fetch(`${room.url}/status`)).text();
  assert.ok(Buffer.byteLength(page) < 50_000, `the shop's page is ${Buffer.byteLength(page)} bytes`);
  assert.match(page, /id="component-recommendations".*?class="sp-word status-(degraded_performance|partial_outage|major_outage)"/s);
});
