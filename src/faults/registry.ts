import type { FaultDefinition } from './fault.js';
import { checkFaultKinds } from './fault-params.js';
import { latencyFault } from './latency.js';
import { bandwidthFault } from './bandwidth.js';
import { slowCloseFault } from './slow-close.js';
import { timeoutFault } from './timeout.js';
import { resetPeerFault } from './reset-peer.js';
import { slicerFault } from './slicer.js';
import { limitDataFault } from './limit-data.js';
import { httpErrorFault } from './http-error.js';
import { httpDelayFault } from './http-delay.js';
import { httpAbortFault } from './http-abort.js';
import { terminate } from './terminate.js';
import { drain } from './drain.js';
import { cpuStress } from './cpu-stress.js';
import { evacuateRegion } from './evacuate-region.js';
import { isolateRegion } from './isolate-region.js';
import { leverFault } from '../levers/lever-step.js';

// STYLE §1: the one table of fault kinds. The experiment schema, the engine, `gameday faults`, the JSON
// Schema and the docs read it; adding a kind is one new file and one line here. It is checked as it is
// read: a kind the schema or the docs could not express stops the program here, not silently later.
export const faultRegistry = checkFaultKinds([
  latencyFault,
  bandwidthFault,
  slowCloseFault,
  timeoutFault,
  resetPeerFault,
  slicerFault,
  limitDataFault,
  httpErrorFault,
  httpDelayFault,
  httpAbortFault,
  terminate,
  drain,
  cpuStress,
  evacuateRegion,
  isolateRegion,
  leverFault,
]);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function faultDefinition(kind: string): FaultDefinition<any> {
  const definition = faultRegistry.find((candidate) => candidate.kind === kind);
  if (!definition) throw new Error(`unknown fault kind "${kind}"; known: ${faultRegistry.map((f) => f.kind).join(', ')}`);
  return definition;
}
