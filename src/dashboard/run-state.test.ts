import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EventRecord } from '../journal/events.js';
import { emptyRunState, foldEvent, leaseOf } from './run-state.js';

const t0 = Date.parse('2026-11-30T12:00:00.000Z');
const at = (ms: number) => new Date(t0 + ms).toISOString();
const event = (ms: number, type: string, message: string, data: Record<string, unknown> = {}): EventRecord => ({ atMs: ms, at: at(ms), type, message, data });

test('folding a journal gives the phase and step, the faults in force with their lease and end, and the verdict', () => {
  const state = emptyRunState();
  const events = [
    event(5, 'lease.taken', 'lease', { controlUrl: 'http://127.0.0.1:8474', leaseId: 'L1', ttlMs: 5000 }),
    event(10, 'phase.start', 'method', { phase: 'method' }),
    event(11, 'step.start', 'latency 300ms on shop for 10 s', { path: 'method[0]' }),
    event(12, 'fault.injected', 'latency 300ms on shop', { faultId: 1, kind: 'latency', target: 'shop', selector: 'shop', controlUrl: 'http://127.0.0.1:8474/', durationMs: 10_000 }),
    event(13, 'fault.injected', 'terminate 1 of hello', { faultId: 2, kind: 'terminate', target: 'hello', selector: 'hello/us-east', controlUrl: 'http://127.0.0.1:8476' }),
    event(14, 'some.future-event', 'a newer GameDay wrote this'),
  ];
  events.forEach((e, i) => foldEvent(state, { ...e, seq: i + 1 } as EventRecord & { seq: number }));
  assert.equal(state.seq, 6);
  assert.equal(state.phase, 'method');
  assert.equal(state.step, 'latency 300ms on shop for 10 s');
  assert.deepEqual(state.faults.map((f) => [f.id, f.kind, f.revertsAt]), [[1, 'latency', t0 + 12 + 10_000], [2, 'terminate', null]]);
  assert.deepEqual(leaseOf(state, state.faults[0]), { controlUrl: 'http://127.0.0.1:8474', leaseId: 'L1', ttlMs: 5000, state: 'held' }, 'a fault is held by the lease on its component');
  assert.equal(leaseOf(state, state.faults[1]), undefined);

  foldEvent(state, event(20, 'fault.reverted', 'latency 300ms on shop', { faultId: 1 }));
  foldEvent(state, event(21, 'abort', 'halted by gameday halt', { kind: 'halt' }));
  foldEvent(state, event(22, 'abort.again', 'again', { kind: 'lease' }));
  foldEvent(state, event(23, 'lease.lost', 'lease L1 is gone', { controlUrl: 'http://127.0.0.1:8474' }));
  foldEvent(state, event(24, 'hypothesis.checked', 'during', { name: 'availability', phase: 'during', sli: 'shop availability', expected: '>= 99%', measured: '97%', measuredValue: 0.97, ok: false }));
  foldEvent(state, event(25, 'verdict', 'aborted: halted', { verdict: 'aborted', exitCode: 2 }));
  assert.deepEqual(state.faults.map((f) => f.id), [2]);
  assert.deepEqual(state.abort, { kind: 'halt', message: 'halted by gameday halt' }, 'the first reason to abort wins');
  assert.equal(state.leases[0].state, 'lost');
  assert.equal(state.phaseChecks[0].ok, false);
  assert.deepEqual(state.verdict, { verdict: 'aborted', exitCode: 2, message: 'aborted: halted' });
  assert.equal(state.phase, null, 'a finished run is in no phase');
});
