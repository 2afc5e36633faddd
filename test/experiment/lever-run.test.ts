import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseExperiment } from '../../src/experiment/load-file.js';
import { runExperiment } from '../../src/experiment/run.js';
import { connectLevers } from '../../src/levers/client.js';
import type { LoadRunner } from '../../src/experiment/sources.js';
import { validJournal } from '../journal-schema.js';
import { quiet, startService, tempDir } from '../levers/helpers.js';

// This experiment declares no load, so the load generator is never called; the runner below only proves it.
const noLoad: LoadRunner = () => Promise.reject(new Error('no load in this experiment'));

test('a lever step pulls the lever under the run\'s lease for the method and the run resets it afterwards', async (t) => {
  const service = await startService(t);
  const levers = connectLevers(service.url);
  const text = `title: pull a lever
targets:
  switches: { kind: levers, control: "${service.url}" }
method:
  - lever: { pull: disable-recommendations }
  - wait: 1s
`;
  let seenDuringMethod: string | undefined;
  const outcome = await runExperiment({
    loaded: parseExperiment(text, 'lever.yaml'),
    runLoad: noLoad,
    log: quiet,
    outDir: tempDir(t),
    onEvent: (event) => {
      if (event.type === 'step.start' && event.message === 'wait 1s') {
        void levers.get('disable-recommendations').then((lever) => (seenDuringMethod = lever.state));
      }
    },
  });
  assert.equal(outcome.exitCode, 0, outcome.reason);
  assert.equal(seenDuringMethod, 'pulled');
  assert.deepEqual(outcome.blastRadius, [`pull lever disable-recommendations on the lever service ${service.url} (undone at rollback), until the method ends (target switches)`]);
  const after = await levers.get('disable-recommendations');
  assert.deepEqual([after.state, after.lease], ['reset', null]);
  assert.deepEqual(await levers.listLeases(), []);
  const journal = validJournal(JSON.parse(readFileSync(join(outcome.folder!, 'journal.json'), 'utf8')), 'the lever run\'s journal.json');
  const types = journal.events.map((e) => e.type);
  assert.ok(types.indexOf('fault.injected') < types.indexOf('lever.reset'));
  assert.ok(types.indexOf('lever.pulled') < types.indexOf('fault.reverted'));
  assert.deepEqual(
    journal.events.flatMap((e) => (e.type === 'lever.pulled' || e.type === 'lever.reset' ? [[e.type, e.data.lever, e.data.rollback]] : [])),
    [['lever.pulled', 'disable-recommendations', false], ['lever.reset', 'disable-recommendations', true]],
  );
});

test('an unknown lever is refused before anything is touched (exit 3 path)', async (t) => {
  const service = await startService(t);
  const text = `title: pull a lever that does not exist
targets:
  switches: { kind: levers, control: "${service.url}" }
method:
  - lever: { pull: no-such-lever }
`;
  await assert.rejects(
    runExperiment({ loaded: parseExperiment(text, 'lever.yaml'), runLoad: noLoad, log: quiet, outDir: tempDir(t) }),
    (error: Error) => error.name === 'Error' && /refused before anything was touched/.test(error.message) && error.constructor.name === 'TargetError',
  );
  assert.deepEqual(await connectLevers(service.url).listLeases(), []);
});

test('a run that pulls and later resets a lever leaves it reset after rollback, not pulled for good', async (t) => {
  const service = await startService(t);
  const levers = connectLevers(service.url);
  const text = `title: pull then reset a lever
targets:
  switches: { kind: levers, control: "${service.url}" }
method:
  - lever: { pull: disable-ads }
  - wait: 300ms
  - lever: { reset: disable-ads }
  - wait: 300ms
`;
  const outcome = await runExperiment({ loaded: parseExperiment(text, 'lever.yaml'), runLoad: noLoad, log: quiet, outDir: tempDir(t) });
  assert.equal(outcome.exitCode, 0, outcome.reason);
  const after = await levers.get('disable-ads');
  assert.deepEqual([after.state, after.lease], ['reset', null]);
  assert.deepEqual(await levers.listLeases(), []);
});
