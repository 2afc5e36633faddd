import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serviceTimeSampler } from './service-time.js';

function seeded(seed: number): () => number {
  // mulberry32: a small deterministic generator so the percentiles below do not depend on luck.
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('sampled service times have the configured median and 99th percentile', () => {
  const sample = serviceTimeSampler({ p50Ms: 4, p99Ms: 10 }, seeded(42));
  const values = Array.from({ length: 20_000 }, sample).sort((a, b) => a - b);
  const p50 = values[Math.floor(values.length * 0.5)];
  const p99 = values[Math.floor(values.length * 0.99)];
  assert.ok(Math.abs(p50 - 4) < 0.3, `p50 ${p50}`);
  assert.ok(Math.abs(p99 - 10) < 1, `p99 ${p99}`);
  assert.ok(values[values.length - 1] <= 20, 'capped at twice the p99');
  assert.ok(values[0] > 0);
});

test('a service time whose p99 is below its median is refused', () => {
  assert.throws(() => serviceTimeSampler({ p50Ms: 10, p99Ms: 5 }), /p50 <= p99/);
});
