import assert from 'node:assert/strict';
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
  assert.equal(outcome.blastRadius.length, 2);
  assert.match(outcome.blastRadius[0], /SIGKILL 1 of the instances of pricing in us-east/);
  const events = outcome.journal!.events;
  assert.equal(events.filter((e) => e.type === 'fault.injected').length, 2);
  assert.equal(events.filter((e) => e.type === 'fault.reverted').length, 2);
  assert.ok(fleet.instances().every((i) => i.state === 'healthy'), 'the terminated instance runs again');
  assert.ok(gateway.regions().every((r) => r.weight > 0), 'traffic shifted back to us-west');
});
