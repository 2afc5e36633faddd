// A verdict on a busy machine says more about the machine than about the shop. The demo measures the
// machine during the run (observe/machine-load.ts) and, when the run did not hold and other programs left
// the world less CPU than it needs, says so plainly, with the figures; the journal keeps the figures either way.
import { coresPhrase, type MachineLoad } from '../observe/machine-load.js';

/**
 * Cores the demo world needs for itself. The flagship's load is open-model (its work does not shrink when
 * the machine is slow), and the world (twenty-three processes and the load) used 0.6–0.8 of a core over
 * the whole flagship and about 1.1 at the 3.5× peak on the two-core development machine; it needs
 * headroom for the bursts in between (a restarted instance, garbage collection, compilation).
 */
export const DEMO_NEEDS_CORES = 1.5;

/** Busy: other programs left less than DEMO_NEEDS_CORES free for at least this share of the seconds. */
const BUSY_SHARE = 0.2;

export function machineWasBusy(load: MachineLoad): boolean {
  return load.seconds > 0 && load.starvedShare >= BUSY_SHARE;
}

/** One sentence with the figures: what the machine did, and what the demo needs. */
export function describeMachine(load: MachineLoad, during: string): string {
  if (load.seconds === 0) return `the machine's load was not measured ${during} (it is measured on Linux only)`;
  const figures =
    `load average ${load.loadAverage.mean.toFixed(1)}, up to ${load.loadAverage.max.toFixed(1)}, on ${coresPhrase(load.cores)}; ` +
    `other programs used ${load.otherCores.mean.toFixed(1)} cores on average (up to ${load.otherCores.max.toFixed(1)}), the demo itself ${load.ownCores.mean.toFixed(1)}` +
    (load.stealPercent >= 1 ? `, and the hypervisor withheld ${load.stealPercent.toFixed(0)} % of the CPU (steal)` : '');
  if (!machineWasBusy(load)) return `the machine was not busy ${during}: ${figures}`;
  return (
    `the machine was busy ${during}: for ${Math.round(load.starvedShare * 100)} % of it other programs left less than the ${load.needCores} free cores the demo needs ` +
    `(${figures})`
  );
}
