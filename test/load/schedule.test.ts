import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ArrivalSchedule } from '../../src/load/schedule.js';

function arrivalsIn(schedule: ArrivalSchedule, fromMs: number, toMs: number): number {
  let count = 0;
  for (let i = 0; i < schedule.totalArrivals; i++) {
    const t = schedule.timeOf(i);
    if (t >= fromMs && t < toMs) count++;
  }
  return count;
}

test('a constant rate schedules exactly rate × duration arrivals, evenly spaced from time 0', () => {
  const schedule = new ArrivalSchedule([{ durationMs: 2000, targetRate: 1000 }], undefined, 1000);
  assert.equal(schedule.totalArrivals, 2000);
  assert.equal(schedule.timeOf(0), 0);
  assert.ok(Math.abs(schedule.timeOf(1) - 1) < 1e-9);
  assert.ok(Math.abs(schedule.timeOf(1999) - 1999) < 1e-6);
  assert.equal(schedule.timeOf(2000), Infinity);
});

test('a ramp from 0 to 100/s over 10 s schedules 500 arrivals, few early and many late', () => {
  const schedule = new ArrivalSchedule([{ durationMs: 10_000, targetRate: 100 }]);
  assert.equal(schedule.totalArrivals, 500);
  // The rate in second k averages 10k + 5, so the arrivals per second are 5, 15, 25 … 95.
  for (let second = 0; second < 10; second++) {
    assert.ok(Math.abs(arrivalsIn(schedule, second * 1000, (second + 1) * 1000) - (10 * second + 5)) <= 1, `second ${second}`);
  }
});

test('stages ramp from the previous stage, hold, and ramp down to zero', () => {
  const schedule = new ArrivalSchedule([
    { durationMs: 1000, targetRate: 200 },
    { durationMs: 2000, targetRate: 200 },
    { durationMs: 1000, targetRate: 0 },
  ]);
  assert.equal(schedule.totalArrivals, 100 + 400 + 100);
  assert.ok(Math.abs(arrivalsIn(schedule, 1000, 2000) - 200) <= 1);
  assert.ok(Math.abs(arrivalsIn(schedule, 3000, 3500) - 75) <= 1);
  assert.equal(schedule.rateAt(500), 100);
  assert.equal(schedule.rateAt(3500), 100);
});

test('a zero-length stage jumps straight to its rate', () => {
  const schedule = new ArrivalSchedule([
    { durationMs: 0, targetRate: 500 },
    { durationMs: 1000, targetRate: 500 },
  ]);
  assert.equal(schedule.totalArrivals, 500);
  assert.ok(Math.abs(schedule.timeOf(250) - 500) < 1e-6);
});

test('a duration shorter than the stages cuts the ramp where it is; a longer one holds the last rate', () => {
  const cut = new ArrivalSchedule([{ durationMs: 2000, targetRate: 200 }], 1000);
  assert.equal(cut.totalArrivals, 50);
  const held = new ArrivalSchedule([{ durationMs: 1000, targetRate: 100 }], 3000);
  assert.equal(held.totalArrivals, 50 + 200);
  assert.equal(held.durationMs, 3000);
});

test('arrival times never decrease, whatever the shape', () => {
  const schedule = new ArrivalSchedule([
    { durationMs: 700, targetRate: 3000 },
    { durationMs: 300, targetRate: 50 },
    { durationMs: 500, targetRate: 4000 },
  ]);
  let previous = -1;
  for (let i = 0; i < schedule.totalArrivals; i++) {
    const t = schedule.timeOf(i);
    assert.ok(t >= previous && t <= 1500, `arrival ${i} at ${t}`);
    previous = t;
  }
});
