import { coesCapability } from '../coe/coe-store.js';
import { leversCapability } from '../levers/lever-store.js';
import { statusCapability } from '../status/history.js';
import { storeCapability } from './control-room.js';
import { journalCapability } from './journal-events.js';
import type { Capability } from './migrations.js';
import { runSamplesCapability } from './run-samples.js';
import { runsCapability } from './runs.js';

// Every capability's tables, in the order their migrations run (a capability after those it refers to).
// A new capability (status history, incidents, COEs …) declares `{ name, migrations: [{ version: 1, … }] }`
// beside its repository and adds one line here; a change to its tables later is its next migration.
export const capabilities: readonly Capability[] = [storeCapability, runsCapability, journalCapability, leversCapability, runSamplesCapability, coesCapability, statusCapability];
