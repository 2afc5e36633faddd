import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { connectLevers } from '../../src/levers/client.js';
import { gameday, gamedayBin, spawnNode, startService, tempDir } from './helpers.js';

const leversYaml = `levers:
  - name: disable-recommendations
    description: hide recommendations on the product page
    critical_path: checkout
  - name: disable-ads
    description: stop calling the ad service
`;

test('gameday lever pull against a running service pulls the lever and says who pulled it and why', async (t) => {
  const service = await startService(t);
  const pulled = await gameday(t, ['lever', 'pull', 'disable-ads', '--reason', 'ads time out', '--url', service.url], { USER: 'zoe' });
  assert.equal(pulled.code, 0, pulled.stderr);
  assert.equal(pulled.stdout, `pulled disable-ads (by zoe@${hostname()}: ads time out)\n`);
  const lever = await connectLevers(service.url).get('disable-ads');
  assert.deepEqual([lever.state, lever.changed_by, lever.reason], ['pulled', `zoe@${hostname()}`, 'ads time out']);

  const listed = await gameday(t, ['lever', 'list'], { GAMEDAY_LEVERS_URL: service.url });
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, /^PULLED {2}disable-ads {2}stop calling the ad service — zoe@.* ads time out$/m);
  assert.match(listed.stdout, /^reset {3}disable-recommendations/m);

  const reset = await gameday(t, ['lever', 'reset', 'disable-ads', '--reason', 'ads recovered', '--by', 'alice@laptop', '--url', service.url]);
  assert.equal(reset.stdout, 'reset disable-ads (by alice@laptop: ads recovered)\n');
  const audit = await gameday(t, ['lever', 'audit', 'disable-ads', '--url', service.url]);
  assert.match(audit.stdout, /reset {3}disable-ads {2}by alice@laptop from 127\.0\.0\.1: ads recovered\n.*pull {4}disable-ads {2}by zoe@\S+ from 127\.0\.0\.1: ads time out/, "the audit says who and from where");
});

test('gameday lever pull of an unknown lever exits 3 with a message naming the known levers, and changes nothing', async (t) => {
  const service = await startService(t);
  const before = await connectLevers(service.url).audit();
  const result = await gameday(t, ['lever', 'pull', 'disable-everything', '--reason', 'panic', '--url', service.url]);
  assert.equal(result.code, 3);
  assert.equal(result.stdout, '');
  assert.equal(result.stderr, 'gameday lever pull: no lever named "disable-everything"; known levers: disable-ads, disable-recommendations\n');
  assert.deepEqual(await connectLevers(service.url).audit(), before);
});

test('gameday lever list says which service it could not reach, and exits 3', async (t) => {
  const result = await gameday(t, ['lever', 'list', '--url', 'http://127.0.0.1:9']);
  assert.equal(result.code, 3);
  assert.match(result.stderr, /^gameday lever list: the lever service at http:\/\/127\.0\.0\.1:9 is unreachable \(.+\); is `gameday serve` running\?/);
});

test('gameday serve refuses invalid lever declarations naming the file, line, column and field, and exits 3', async (t) => {
  const file = join(tempDir(t), 'levers.yaml');
  writeFileSync(file, 'levers:\n  - name: disable-ads\n    description: stop ads\n  - name: Disable_Recs\n    description: hide recs\n');
  const result = await gameday(t, ['serve', '--listen', '127.0.0.1:0', '--levers', file, '--store', join(tempDir(t), 'gameday.db')]);
  assert.equal(result.code, 3);
  assert.match(result.stderr, new RegExp(`${file}:4:11: levers\\[1\\]\\.name: a lever name is kebab-case`));
});

test('gameday serve refuses to listen beyond loopback without a token, and exits 3', async (t) => {
  const result = await gameday(t, ['serve', '--listen', '0.0.0.0:0', '--store', join(tempDir(t), 'gameday.db')]);
  assert.equal(result.code, 3);
  assert.equal(result.stderr, 'gameday serve: refusing to bind 0.0.0.0: binding anything but 127.0.0.1 requires an access token (--token)\n');
});

test('a leased pull left behind by a killed `gameday serve` is undone at its next start; a hand pull stays', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'levers.yaml'), leversYaml);
  const args = [gamedayBin, 'serve', '--listen', '127.0.0.1:0', '--levers', join(dir, 'levers.yaml'), '--store', join(dir, 'gameday.db')];
  const first = spawnNode(t, args);
  const [, url] = await first.waitFor(/control room on (http:\/\/\S+);[^]*levers +2 levers/);
  const client = connectLevers(url);
  const lease = await client.createLease({ owner: 'run 13', ttlMs: 60_000 });
  await client.pull('disable-ads', { by: 'run 13', reason: 'experiment step' }, { lease: lease.id });
  await client.pull('disable-recommendations', { by: 'frank@oncall', reason: 'real incident' });
  first.child.kill('SIGKILL');
  await first.exited;

  const second = spawnNode(t, args);
  const [, url2] = await second.waitFor(/control room on (http:\/\/\S+);/);
  const again = connectLevers(url2);
  const ads = await again.get('disable-ads');
  assert.deepEqual([ads.state, ads.changed_by, ads.lease], ['reset', 'lease-expiry', null]);
  assert.match(ads.reason!, /lease .* of "run 13" ended when the lever service stopped/);
  assert.equal((await again.get('disable-recommendations')).state, 'pulled', 'what a human pulled survives a restart');

  second.child.kill('SIGINT');
  assert.equal(await second.exited, 0);
  assert.match(second.stderr(), /gameday serve: stopped after \d+s; 0 leases released; still pulled: disable-recommendations\n$/);
});
