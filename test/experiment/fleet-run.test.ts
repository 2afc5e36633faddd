import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseExperiment } from '../../src/experiment/load-file.js';
import { runExperiment } from '../../src/experiment/run.js';
import type { LoadRunner } from '../../src/experiment/sources.js';
import { TargetError } from '../../src/experiment/target-kinds.js';
import { startFleetControl } from '../../src/fleet/control-api.js';
import { Fleet } from '../../src/fleet/fleet.js';
import { Gateway } from '../../src/gateway/gateway.js';
import { startGatewayControl } from '../../src/gateway/control-api.js';
import { quietLog, shopDeclaration } from '../fleet/helpers.js';
import { validJournal } from '../journal-schema.js';
import { tempHome } from './world.js';

// This experiment declares no load, so the load generator is never called.
const noLoad: LoadRunner = () => Promise.reject(new Error('no load in this experiment'));

test('fleet and gateway faults run through the engine under leases, and a selection beyond the declared blast radius is refused before anything is touched', async (t) => {
  const fleet = await Fleet.start(shopDeclaration({ restart: 'never' }), { log: quietLog });
  const fleetControl = await startFleetControl(fleet, { log: quietLog });
  const gateway = await Gateway.start({ fleet: { fleet, service: 'pricing' }, health: { intervalMs: 200 }, log: quietLog });
  const gatewayControl = await startGatewayControl(gateway, { log: quietLog });
  const home = tempHome();
  t.after(async () => {
    await gatewayControl.close();
    await fleetControl.close();
    await gateway.close();
    await fleet.stop();
    home.remove();
  });
  const text = (count: number) => `title: lose an instance and a region
targets:
  pricing: { kind: fleet, control: "${fleetControl.url}", selector: pricing/us-east, maxInstances: 1 }
  edge: { kind: gateway, control: "${gatewayControl.url}", region: us-west }
method:
  - fault: { kind: terminate, target: pricing, count: ${count}, duration: 500ms }
  - fault: { kind: evacuate-region, target: edge, duration: 500ms }
`;
  const pids = fleet.instances().map((i) => i.pid);
  await assert.rejects(
    runExperiment({ loaded: parseExperiment(text(2), 'fleet.yaml'), runLoad: noLoad, log: quietLog, outDir: home.dir }),
    (error: Error) => error instanceof TargetError && /blast radius/.test(error.message),
  );
  assert.deepEqual(fleet.instances().map((i) => i.pid), pids, 'the refused run touched nothing');

  const outcome = await runExperiment({ loaded: parseExperiment(text(1), 'fleet.yaml'), runLoad: noLoad, log: quietLog, outDir: home.dir });
  assert.equal(outcome.exitCode, 0, outcome.reason);
  assert.equal(outcome.blastRadius.length, 3);
  assert.match(outcome.blastRadius[2], /in total: 1 instance\(s\) of target pricing .*maxInstances: 1/);
  assert.match(outcome.blastRadius[0], /SIGKILL 1 of the instances of pricing in us-east/);
  const events = outcome.journal!.events;
  assert.equal(events.filter((e) => e.type === 'fault.injected').length, 2);
  assert.equal(events.filter((e) => e.type === 'fault.reverted').length, 2);
  // The faults' own facts are typed events of the published schema: which process was killed, which region left.
  const journal = validJournal(JSON.parse(readFileSync(join(outcome.folder!, 'journal.json'), 'utf8')), 'the fleet run\'s journal.json');
  const killed = journal.events.flatMap((e) => (e.type === 'instances.terminated' ? e.data.instances : []));
  assert.equal(killed.length, 1);
  assert.ok(pids.includes(killed[0].pid), `the journal names the killed process (${killed[0].pid})`);
  assert.deepEqual(journal.events.flatMap((e) => (e.type === 'region.evacuating' ? [e.data.region] : [])), ['us-west']);
  assert.deepEqual(journal.events.flatMap((e) => (e.type === 'fault.cleared' ? [e.data.kind] : [])).sort(), ['evacuate-region', 'terminate']);
  assert.ok(fleet.instances().every((i) => i.state === 'healthy'), 'the terminated instance runs again');
  assert.ok(gateway.regions().every((r) => r.weight > 0), 'traffic shifted back to us-west');
});

test('the blast radius is summed per target over the whole method, and an instance selector is never widened', async (t) => {
  const fleet = await Fleet.start(shopDeclaration({ restart: 'never' }), { log: quietLog });
  const fleetControl = await startFleetControl(fleet, { log: quietLog });
  const home = tempHome();
  t.after(async () => {
    await fleetControl.close();
    await fleet.stop();
    home.remove();
  });
  const pids = fleet.instances().map((i) => i.pid);
  const twoSteps = `title: two kills on a target that allows one
targets:
  pricing: { kind: fleet, control: "${fleetControl.url}", selector: pricing/us-east, maxInstances: 1 }
method:
  - fault: { kind: terminate, target: pricing, count: 1, duration: 200ms }
  - fault: { kind: terminate, target: pricing, count: 1, duration: 200ms }
`;
  for (const dryRun of [true, false]) {
    await assert.rejects(
      runExperiment({ loaded: parseExperiment(twoSteps, 'two.yaml'), runLoad: noLoad, log: quietLog, outDir: home.dir, dryRun }),
      (error: Error) => error instanceof TargetError && /would touch 2 instance\(s\) in total, more than its declared maxInstances: 1/.test(error.message),
    );
  }
  const oneInstance = (kind: string) => `title: one named instance
targets:
  one: { kind: fleet, control: "${fleetControl.url}", selector: pricing/us-east/pricing/us-east/0, maxInstances: 1 }
method:
  - fault: { kind: ${kind}, target: one, ${kind === 'terminate' ? 'count: 1' : 'duration: 1s'} }
`;
  for (const kind of ['terminate', 'cpu-stress']) {
    const text = oneInstance(kind).replace('pricing/us-east/pricing/us-east/0', 'pricing/us-east/0');
    await assert.rejects(
      runExperiment({ loaded: parseExperiment(text, `${kind}.yaml`), runLoad: noLoad, log: quietLog, outDir: home.dir }),
      (error: Error) => error instanceof TargetError && /cannot target one instance/.test(error.message),
      `${kind} must refuse an instance selector`,
    );
  }
  assert.deepEqual(fleet.instances().map((i) => i.pid), pids, 'the refused runs touched nothing');
});
