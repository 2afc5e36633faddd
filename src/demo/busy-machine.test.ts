import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MachineLoad } from '../observe/machine-load.js';
import { describeMachine, machineWasBusy } from './busy-machine.js';

function load(overrides: Partial<MachineLoad>): MachineLoad {
  return {
    cores: 2, seconds: 50, loadAverage: { mean: 1.2, max: 1.9 }, runQueue: { mean: 2, max: 4 }, otherCores: { mean: 0.1, max: 0.4 },
    ownCores: { mean: 0.8, max: 1.1 }, stealPercent: 0, starvedShare: 0, needCores: 1.5, ...overrides,
  };
}

test('a machine whose other programs left the demo too little CPU for a fifth of the run is named busy, with the figures', () => {
  const busy = load({ loadAverage: { mean: 9.3, max: 12.1 }, otherCores: { mean: 1.2, max: 1.8 }, starvedShare: 0.62, stealPercent: 4 });
  assert.equal(machineWasBusy(busy), true);
  assert.equal(
    describeMachine(busy, 'during the run'),
    'the machine was busy during the run: for 62 % of it other programs left less than the 1.5 free cores the demo needs ' +
      '(load average 9.3, up to 12.1, on 2 cores; other programs used 1.2 cores on average (up to 1.8), the demo itself 0.8, and the hypervisor withheld 4 % of the CPU (steal))',
  );
});

test('a quiet machine, a short busy moment or no measurement at all is not called busy', () => {
  assert.equal(machineWasBusy(load({})), false);
  assert.equal(machineWasBusy(load({ starvedShare: 0.1 })), false);
  assert.equal(machineWasBusy(load({ seconds: 0, starvedShare: 0 })), false);
  assert.match(describeMachine(load({}), 'during the run'), /^the machine was not busy during the run: load average 1\.2/);
  assert.match(describeMachine(load({ seconds: 0 }), 'during the run'), /not measured during the run \(it is measured on Linux only\)/);
});
