import type { EventRecord } from '../journal/events.js';
import type { ObjectiveResult } from '../journal/outcome.js';

// What a run is doing, folded from its journal events in order: the phase and step, the faults in force
// with the lease that holds each, the levers it moved, the phase checks of its hypothesis, how it ended.
// The run page renders it; a page opened mid-run folds the events already in the store, then every new
// one as it arrives. Events of a newer GameDay that this one does not know are passed over.

export interface FaultInForce {
  id: number;
  kind: string;
  target: string;
  selector: string;
  description: string;
  controlUrl: string;
  /** Wall clock (ms since the epoch) when it was injected. */
  injectedAt: number;
  /** When the step reverts it, if the step says how long it lasts. */
  revertsAt: number | null;
}

export interface HeldLease {
  controlUrl: string;
  leaseId: string;
  ttlMs: number | null;
  state: 'held' | 'renewal failing' | 'lost' | 'released';
}

export interface LeverMove {
  at: string;
  lever: string;
  action: 'pulled' | 'reset' | 'kept';
  message: string;
}

export interface RunState {
  /** The last event folded in. */
  seq: number;
  phase: string | null;
  step: string | null;
  faults: FaultInForce[];
  leases: HeldLease[];
  levers: LeverMove[];
  phaseChecks: ObjectiveResult[];
  abort: { kind: string; message: string } | null;
  verdict: { verdict: string; exitCode: number; message: string } | null;
}

export function emptyRunState(): RunState {
  return { seq: 0, phase: null, step: null, faults: [], leases: [], levers: [], phaseChecks: [], abort: null, verdict: null };
}

/** Folds one event into the state (mutating it); events must come in seq order. */
export function foldEvent(state: RunState, event: EventRecord & { seq?: number }): void {
  if (event.seq !== undefined) state.seq = event.seq;
  const data = (event.data ?? {}) as Record<string, unknown>;
  const at = Date.parse(event.at);
  switch (event.type) {
    case 'phase.start':
      state.phase = String(data.phase ?? event.message);
      state.step = null;
      break;
    case 'phase.end':
      if (state.phase === data.phase) state.step = null;
      break;
    case 'step.start':
      state.step = event.message;
      break;
    case 'step.end':
      if (state.step === event.message) state.step = null;
      break;
    case 'fault.injected':
      state.faults.push({
        id: Number(data.faultId),
        kind: String(data.kind ?? ''),
        target: String(data.target ?? ''),
        selector: String(data.selector ?? ''),
        description: event.message,
        controlUrl: String(data.controlUrl ?? ''),
        injectedAt: at,
        revertsAt: typeof data.durationMs === 'number' ? at + data.durationMs : null,
      });
      break;
    case 'fault.reverted':
      state.faults = state.faults.filter((fault) => fault.id !== Number(data.faultId));
      break;
    case 'lease.taken':
      state.leases = state.leases.filter((lease) => lease.controlUrl !== data.controlUrl);
      state.leases.push({ controlUrl: String(data.controlUrl), leaseId: String(data.leaseId), ttlMs: typeof data.ttlMs === 'number' ? data.ttlMs : null, state: 'held' });
      break;
    case 'lease.renew-failed':
    case 'lease.lost':
    case 'lease.released': {
      const lease = state.leases.find((candidate) => candidate.controlUrl === data.controlUrl);
      if (lease) lease.state = event.type === 'lease.lost' ? 'lost' : event.type === 'lease.released' ? 'released' : 'renewal failing';
      break;
    }
    case 'lever.pulled':
    case 'lever.reset':
    case 'lever.kept':
      state.levers.push({ at: event.at, lever: String(data.lever ?? ''), action: event.type === 'lever.pulled' ? 'pulled' : event.type === 'lever.reset' ? 'reset' : 'kept', message: event.message });
      break;
    case 'hypothesis.checked':
      state.phaseChecks.push(data as unknown as ObjectiveResult);
      break;
    case 'abort':
      state.abort ??= { kind: String(data.kind ?? ''), message: event.message };
      break;
    case 'verdict':
      state.verdict = { verdict: String(data.verdict ?? ''), exitCode: Number(data.exitCode), message: event.message };
      state.phase = null;
      state.step = null;
      break;
  }
}

/** The lease that holds a fault: the run's lease on the fault's component. */
export function leaseOf(state: RunState, fault: FaultInForce): HeldLease | undefined {
  const url = fault.controlUrl.replace(/\/+$/, '');
  return state.leases.find((lease) => lease.controlUrl.replace(/\/+$/, '') === url);
}
