import { leverTargetKind } from '../levers/lever-target.js';
import { fleetTargetKind, gatewayTargetKind } from './target-kinds-fleet.js';
import { proxyTargetKind, type TargetKind } from './target-kinds.js';

// The one table of target kinds, read by the schema and by target resolution (like src/faults/registry.ts).
export const targetKinds: readonly TargetKind[] = [proxyTargetKind, fleetTargetKind, gatewayTargetKind, leverTargetKind as unknown as TargetKind];
