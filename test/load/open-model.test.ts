// The open model's tick against a clock advanced by hand and a fake pool that never answers: which
// arrivals start, with which intended times, and which are dropped. (The fake pool stands in for undici
// only to hold requests in flight on command; the end-to-end behaviour is tested against real servers.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Dispatcher } from 'undici';
import { ManualClock } from '../../src/load/clock.js';
import { ExchangeDriver, type Exchange } from '../../src/load/exchange.js';
import { OpenModel } from '../../src/load/open-model.js';
import { Recorder } from '../../src/load/recorder.js';
import { ArrivalSchedule } from '../../src/load/schedule.js';

function setup(rate: number, durationMs: number, maxInFlight: number) {
  const clock = new ManualClock(5000);
  const sent: Exchange[] = [];
  const pool = { dispatch: (_opts: unknown, handler: Exchange) => sent.push(handler) } as unknown as Dispatcher;
  const recorder = new Recorder(clock.now());
  const driver = new ExchangeDriver({ path: '/', method: 'GET' }, recorder, clock, 10_000);
  const schedule = new ArrivalSchedule([{ durationMs, targetRate: rate }], undefined, rate);
  const model = new OpenModel(schedule, driver, recorder, clock, clock.now(), maxInFlight, pool);
  return { clock, sent, recorder, model };
}

test('a late tick starts every arrival that fell due, each with its own intended time', () => {
  const { clock, sent, model } = setup(1000, 1000, 10_000);
  assert.equal(model.tick(), 1); // arrival 0 at t=0 starts at once; the next is due in 1 ms
  clock.advance(10.5);
  model.tick();
  assert.equal(sent.length, 11);
  assert.deepEqual(sent.map((e) => e.intendedMs - 5000), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  // Dispatched late, but latency will be measured from the intended times above.
  assert.equal(sent[3].dispatchedMs, 5010.5);
});

test('arrivals that find the in-flight cap full are counted as dropped, not skipped', () => {
  const { clock, sent, recorder, model } = setup(1000, 100, 5);
  clock.advance(99.5);
  model.tick();
  assert.equal(sent.length, 5);
  assert.ok(model.done);
  const sample = recorder.takeSample(clock.now());
  assert.equal(sample.scheduled, 100);
  assert.equal(sample.dropped, 95);
});
