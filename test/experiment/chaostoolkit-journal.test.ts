// What a Chaos Toolkit run writes into journal.json, read the way a reader without GameDay reads it: one run
// that goes through every part of `chaos run`'s lifecycle the journal has a shape for (dynamic
// configuration, skipped parts, remarks, failed activities, a tolerance `chaos run` would crash on, a
// rollback strategy that leaves the rollbacks out), its journal validated against the published schema.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventsOf, journalOf, spawnGameday, tempHome } from './world.js';
import { listen } from './chaostoolkit-world/services.js';

const sh = (cmd: string, extra: Record<string, unknown> = {}) => ({ type: 'process', path: 'sh', arguments: ['-c', cmd], ...extra });

test('a Chaos Toolkit run journals every part of its lifecycle in the shapes of the published schema', async (t) => {
  const home = tempHome();
  t.after(() => home.remove());
  const service = await listen(0, (req, _body, res) => {
    if (req.url === '/region') return void res.writeHead(200, { 'Content-Type': 'text/plain' }).end('eu-west');
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ status: 'ok' }));
  });
  t.after(() => service.close());
  const health = { type: 'http', url: '${base}/health', timeout: 5 };
  const doc = {
    title: 'journal shapes',
    description: 'written for this test',
    owner: 'team-catalogue',
    configuration: {
      base: service.url,
      region: { type: 'probe', name: 'region', provider: { type: 'http', url: `${service.url}/region` } },
      build: { type: 'probe', name: 'build', provider: sh('echo 1.2.3') },
      zone: { type: 'probe', name: 'zone', provider: { type: 'python', module: 'chaosaws.ec2.probes', func: 'describe_zone' } },
      missing: { type: 'probe', name: 'missing', provider: sh('exit 3') },
    },
    'steady-state-hypothesis': {
      title: 'the service answers',
      probes: [
        { type: 'probe', name: 'answers', tolerance: 200, provider: health },
        // A regex on a JSON body: `chaos run` stops here with a TypeError; GameDay says so and counts it missed.
        { type: 'probe', name: 'says ok', tolerance: { type: 'regex', target: 'body', pattern: 'ok' }, provider: health },
      ],
    },
    runtime: { hypothesis: { strategy: 'after-method-only' } },
    method: [
      { type: 'action', name: 'announce', provider: sh('echo ${region} ${build}'), pauses: { after: '${region}' } },
      { ref: 'answers' },
      { type: 'probe', name: 'closed port', provider: { type: 'http', url: 'http://127.0.0.1:9/', timeout: 2 } },
      { type: 'action', name: 'slow', provider: sh('echo partial; sleep 10', { timeout: 0.5 }) },
      { type: 'action', name: 'drop pods', provider: { type: 'python', module: 'chaosk8s.pod.actions', func: 'terminate_pods' } },
    ],
    rollbacks: [{ type: 'action', name: 'undo', provider: sh('echo undone') }],
  };
  const file = home.write('shapes.json', JSON.stringify(doc, null, 2));
  const result = await spawnGameday(['run', file, '--skip-unsupported', '--rollback-strategy', 'never'], home.dir).done;
  assert.equal(result.code, 1, result.stdout + result.stderr);
  const journal = journalOf(result.stdout);

  assert.equal(eventsOf(journal, 'run.start')[0].data.format, 'chaostoolkit');
  assert.deepEqual(journal.events.filter((e) => e.type === 'phase.start').map((e) => e.message), ['configuration', 'method', 'steady state after']);
  assert.deepEqual(eventsOf(journal, 'configuration')[0].data.configuration, { base: service.url, region: 'eu-west', build: '1.2.3' });
  assert.deepEqual(
    eventsOf(journal, 'activity.skipped').map((e) => [e.data.section, e.data.path, e.data.what]),
    [['configuration', 'configuration.zone', 'python provider chaosaws.ec2.probes.describe_zone'], ['method', 'method[4]', 'python provider chaosk8s.pod.actions.terminate_pods']],
  );
  assert.deepEqual(
    eventsOf(journal, 'warning').map((e) => e.data.path ?? e.message),
    [`${file}:4:3 owner: "owner" is not a Chaos Toolkit field; it is ignored, as Chaos Toolkit ignores it`, 'configuration.missing', 'method[0]'],
  );

  const announce = eventsOf(journal, 'action').find((e) => e.message.startsWith('action announce'));
  const output = announce && 'output' in announce.data ? announce.data.output : undefined;
  assert.ok(output && 'stdout' in output, JSON.stringify(announce));
  assert.equal(output.stdout, 'eu-west 1.2.3\n', 'dynamic values reach the arguments');
  assert.ok(eventsOf(journal, 'step.start').some((e) => 'ref' in e.data && e.data.ref === 'answers' && e.data.path === 'method[1]'));
  const [closed] = eventsOf(journal, 'probe.failed');
  assert.equal(closed.data.path, 'method[2]');
  assert.match(closed.data.error, /ECONNREFUSED/);
  const slow = eventsOf(journal, 'action.failed')[0].data;
  assert.ok('section' in slow && slow.output && 'stdout' in slow.output, JSON.stringify(slow));
  assert.equal(slow.output.stdout, 'partial\n', 'what the process wrote before it was stopped');

  const checks = eventsOf(journal, 'hypothesis.checked').map((e) => e.data);
  assert.deepEqual(checks.map((c) => [c.name, c.phase, c.ok]), [['answers', 'after', true], ['says ok', 'after', false]]);
  assert.ok('crash' in checks[1] && /TypeError/.test(checks[1].crash ?? ''), JSON.stringify(checks[1]));
  assert.deepEqual(eventsOf(journal, 'rollbacks.skipped').map((e) => e.data), [{ strategy: 'never', status: 'completed' }]);
  assert.deepEqual(
    [journal.chaostoolkit?.status, journal.chaostoolkit?.deviated, journal.chaostoolkit?.rollbacksPlayed, journal.chaostoolkit?.crashes.length, journal.chaostoolkit?.skipped.length],
    ['completed', true, false, 1, 2],
  );
});
