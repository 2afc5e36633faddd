// A COE drafted from an incident (`gameday coe new --incident`), the loop's "learn" step after "respond":
// the draft carries the incident's id and severity in its front matter, its moments, the worst status its
// component reached, the lever pulled and the words people wrote on its timeline, each with its source; an
// unknown incident, or naming both a run and an incident, writes nothing.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { spawnGameday, tempHome } from '../cli-process.js';
import { component, post, SHOP_STATUS_YAML, startIncidentRoom, waitFor } from './helpers.js';

test('gameday coe new --incident drafts a COE from the incident’s record; an unknown incident writes nothing', { timeout: 90_000 }, async (t) => {
  const home = tempHome('gameday-coe-incident-');
  t.after(() => home.remove());
  const store = join(home.dir, 'store.db');
  const room = await startIncidentRoom(SHOP_STATUS_YAML, { store });
  t.after(() => room.close());
  // Its monitor never answers: checkout is measured in a major outage.
  await waitFor('checkout measured', async () => (await component(room.url, 'checkout'))?.gameday_status, (s) => s === 'major_outage');

  const declared = await post(room.url, '/api/incidents', { title: 'Checkout is down', severity: 'SEV2', components: ['checkout'], by: 'alice', communications_lead: 'bob' });
  assert.equal(declared.status, 201, JSON.stringify(declared.json));
  assert.equal((await post(room.url, '/levers/disable-ads/pull', { by: 'olga', reason: 'shed ads while checkout is down' })).status, 200);
  assert.equal((await post(room.url, '/api/incidents/1/notes', { text: 'the payment provider times out', by: 'alice', kind: 'decision' })).status, 201);
  assert.equal((await post(room.url, '/api/incidents/1/updates', { message: 'We found the cause.', state: 'identified', by: 'bob' })).status, 201);
  assert.equal((await post(room.url, '/api/incidents/1/resolve', { by: 'alice', message: 'Checkout works again.' })).status, 200);

  const gameday = (...args: string[]) => spawnGameday(['coe', ...args, '--store', store], home.dir).done;
  const drafted = await gameday('new', '--incident', 'INC-1');
  assert.equal(drafted.code, 0, drafted.stderr);
  assert.match(drafted.stdout, /^drafted coe-INC-1\.md from incident INC-1 "Checkout is down" \(SEV2, \d+ timeline entries\)$/m);
  assert.match(drafted.stdout, /^registered as COE \S+ in /m);
  const markdown = readFileSync(join(home.dir, 'coe-INC-1.md'), 'utf8');
  const frontMatter = /^---\n([\s\S]*?)\n---/.exec(markdown)![1];
  assert.match(frontMatter, /^incident: INC-1$/m);
  assert.match(frontMatter, /^severity: SEV2$/m);
  for (const moment of ['started', 'detected', 'resolved']) assert.match(frontMatter, new RegExp(`^${moment}: .?\\d{4}-\\d\\d-\\d\\dT`, 'm'), moment);
  assert.match(markdown, /^\| Checkout \| major outage \|$/m, 'the component and the worst status it reached');
  const timeline = markdown.slice(markdown.indexOf('## Timeline'), markdown.indexOf('## Metrics'));
  const rows = timeline.split('\n').filter((line) => /^\| \d\d:/.test(line)).map((line) => line.split(' | ').slice(1).join(' | '));
  assert.deepEqual(
    rows,
    [
      'monitor web | `status` Checkout: first status → major outage (availability 0% over 1m) |',
      'alice | `declared` SEV2 declared by alice: "Checkout is down" on checkout; incident commander alice, communications lead bob |',
      'alice | `update` Checkout is down |',
      'olga | `lever.pull` lever disable-ads pulled: shed ads while checkout is down |',
      'alice | `decision` the payment provider times out |',
      'bob | `update` We found the cause. |',
      'alice | `resolved` resolved: Checkout works again. |',
    ],
    'the whole timeline in order, each entry with its source',
  );
  assert.match(markdown, /^- Lever `disable-ads` pulled at \d\d:\d\d:\d\d\.\d\d\.$/m, 'the lever among the related items');
  const checked = await spawnGameday(['coe', 'check', 'coe-INC-1.md'], home.dir).done;
  assert.match(checked.stdout, /section "Five whys" is not written yet/, 'what only people can write is left for them');

  const before = readdirSync(home.dir).sort();
  const unknown = await gameday('new', '--incident', '99');
  assert.equal(unknown.code, 3);
  assert.match(unknown.stderr, /^gameday coe new: no incident INC-99 in .*\nnothing was written\.$/m);
  const both = await gameday('new', '--incident', '1', '--run', 'x');
  assert.equal(both.code, 3);
  assert.match(both.stderr, /--run <run> or --incident <id> \(one of them\)/);
  assert.deepEqual(readdirSync(home.dir).sort(), before, 'nothing was written');
  assert.ok(!existsSync(join(home.dir, 'coe-INC-99.md')));
});
