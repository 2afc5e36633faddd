import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { parseExperiment } from '../../src/experiment/load-file.js';
import { runExperiment } from '../../src/experiment/run.js';
import { connectLevers } from '../../src/levers/client.js';
import type { LoadRunner } from '../../src/experiment/sources.js';
import { validJournal } from '../journal-schema.js';
import { quiet, startService, tempDir } from '../levers/helpers.js';

// This experiment declares no load, so the load generator is never called; the runner below only proves it.
const noLoad: LoadRunner = () => Promise.reject(new Error('no load in this experiment'));

/** Runs `step` then a 1 s wait against a lever service, and says which state `lever` was in as the wait began. */
async function runStepThenWait(t: TestContext, serviceUrl: string, step: string, lever: string) {
  const text = `title: a lever step
targets:
  switches: { kind: levers, control: "${serviceUrl}" }
method:
  - ${step}
  - wait: 1s
`;
  let stateAtWait: string | undefined;
  const outcome = await runExperiment({
    loaded: parseExperiment(text, 'lever.yaml'),
    runLoad: noLoad,
    log: quiet,
    outDir: tempDir(t),
    onEvent: (event) => {
      if (event.type === 'step.start' && event.message === 'wait 1s') void connectLevers(serviceUrl).get(lever).then((found) => (stateAtWait = found.state));
    },
  });
  return { outcome, stateAtWait };
}

test('a lever step pulls the lever under the run\'s lease for the method and the run resets it afterwards', async (t) => {
  const service = await startService(t);
  const levers = connectLevers(service.url);
  const { outcome, stateAtWait } = await runStepThenWait(t, service.url, 'lever: { pull: disable-recommendations }', 'disable-recommendations');
  assert.equal(outcome.exitCode, 0, outcome.reason);
  assert.equal(stateAtWait, 'pulled');
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

test('a lever written as a `fault:` step with a duration is pulled for that long, then reset while the method goes on', async (t) => {
  const service = await startService(t);
  const levers = connectLevers(service.url);
  const step = 'fault: { kind: lever, target: switches, pull: disable-ads, duration: 300ms }';
  const { outcome, stateAtWait } = await runStepThenWait(t, service.url, step, 'disable-ads');
  assert.equal(outcome.exitCode, 0, outcome.reason);
  assert.equal(stateAtWait, 'reset');
  const steps = outcome.journal!.events.filter((e) => e.type === 'step.start').map((e) => e.message);
  assert.deepEqual(steps, ['pull lever disable-ads for 300ms', 'wait 1s']);
  const changes = (await levers.audit('disable-ads')).map((entry) => entry.action).filter((action) => action !== 'declare').reverse();
  assert.deepEqual(changes, ['pull', 'reset'], 'pulled once by the step, reset once when its duration ended');
  assert.deepEqual(await levers.listLeases(), []);
});
