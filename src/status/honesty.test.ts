// The rules of honesty (DESIGN.md safety rule 7) as properties over generated cases: whatever the SLIs
// read and whatever a person declares, the page never shows a component better than measured, never
// green without fresh data, and a declaration better than measured is refused naming the SLI.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { singleLatency } from '../experiment/sli.js';
import type { ComponentConfig, MonitorDeclaration, StatusConfig } from './config.js';
import { readComponent, type MonitorData } from './readings.js';
import { checkDeclaration, measuredStatus, MEASURED_STATUSES, rank, readingStatus, shownStatus, type DeclarableStatus, type SliReading } from './status.js';

const RUNS = 10_000;
const measured = fc.constantFrom(...MEASURED_STATUSES);
const declarable = fc.constantFrom<DeclarableStatus>(...MEASURED_STATUSES);

const reading = fc.record<SliReading>({
  text: fc.string({ minLength: 1, maxLength: 20 }).map((s) => `sli ${s}`),
  source: fc.constantFrom('monitor a', 'monitor b', 'run 1'),
  value: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
  fresh: fc.boolean(),
  idle: fc.option(fc.boolean(), { nil: undefined }),
  status: measured,
});
const readings = fc.array(reading, { minLength: 0, maxLength: 6 });

test('the shown status is never better than the measured one, whatever was declared', () => {
  fc.assert(
    fc.property(readings, fc.option(declarable, { nil: null }), (rs, declared) => {
      const m = measuredStatus(rs);
      assert.ok(rank(shownStatus(m, declared)) >= rank(m));
      for (const r of rs.filter((r) => !r.idle)) assert.ok(rank(shownStatus(m, declared)) >= rank(readingStatus(r)), 'no SLI is worse than what is shown');
    }),
    { numRuns: RUNS },
  );
});

test('no fresh data is never shown as operational', () => {
  fc.assert(
    fc.property(readings, fc.option(declarable, { nil: null }), (rs, declared) => {
      const active = rs.filter((r) => !r.idle);
      const shown = shownStatus(measuredStatus(rs), declared);
      if (active.length === 0 || active.some((r) => !r.fresh || r.value === null)) assert.notEqual(shown, 'operational');
      if (active.length > 0 && active.every((r) => r.fresh && r.value !== null && r.status === 'operational') && !declared) assert.equal(shown, 'operational');
    }),
    { numRuns: RUNS },
  );
});

test('a declaration is accepted exactly when it is not better than measured; a refusal names the SLI that disagrees', () => {
  fc.assert(
    fc.property(readings, declarable, (rs, declared) => {
      const m = measuredStatus(rs);
      const check = checkDeclaration('Checkout', declared, rs);
      assert.equal(check.ok, rank(declared) >= rank(m));
      if (check.ok) return;
      assert.match(check.message, /^Checkout cannot be shown /);
      if (check.reading) {
        assert.ok(rank(readingStatus(check.reading)) > rank(declared), 'the named SLI is worse than the declaration');
        assert.ok(check.message.includes(check.reading.text) && check.message.includes(check.reading.source));
      } else {
        assert.ok(rs.every((r) => r.idle), 'only a component with nothing measured is refused without an SLI');
      }
    }),
    { numRuns: RUNS },
  );
});

// From samples to status, end to end through the engine's SLI code: an HTTP monitor every `every` ms,
// checks that pass or fail at generated times, a clock anywhere after them.
const every = 1000;
const monitor: MonitorDeclaration = {
  http: { url: 'http://127.0.0.1:9/', method: 'GET', timeout: every, every, expect: { status: '200-399' } },
};
const component: ComponentConfig = {
  id: 'checkout',
  name: 'Checkout',
  slis: [{ sli: 'availability', monitor: 'm', window: 10_000, operational: 0.99, degraded_performance: 0.9, partial_outage: 0.5 }],
};
const config: StatusConfig = { page: { name: 'Shop' }, monitors: { m: monitor }, components: [component] };

test('from samples: a monitor silent for more than two intervals gives "no data", and only fresh passing checks give operational', () => {
  const checks = fc.array(fc.record({ atMs: fc.integer({ min: 0, max: 60_000 }), ok: fc.boolean() }), { maxLength: 40 });
  fc.assert(
    fc.property(checks, fc.integer({ min: 0, max: 80_000 }), fc.option(declarable, { nil: null }), (made, nowMs, declared) => {
      const past = made.filter((c) => c.atMs <= nowMs).sort((a, b) => a.atMs - b.atMs);
      const data: MonitorData = {
        points: past.map((c) => ({ atMs: c.atMs, intervalMs: every, ok: c.ok ? 1 : 0, errors: c.ok ? 0 : 1, dropped: 0, latency: singleLatency(1000) })),
        values: [],
      };
      const result = readComponent(component, config, new Map([['m', data]]), nowMs);
      const shown = shownStatus(result.measured, declared);
      const last = past.at(-1);
      if (!last || nowMs - last.atMs > 2 * every) assert.notEqual(shown, 'operational', 'stale: never operational');
      const window = past.filter((c) => c.atMs > nowMs - component.slis[0].window);
      if (shown === 'operational') assert.ok(window.length > 0 && window.filter((c) => c.ok).length / window.length >= 0.99);
      if (last && nowMs - last.atMs <= 2 * every && window.length > 0) {
        const availability = window.filter((c) => c.ok).length / window.length;
        const expected = availability >= 0.99 ? 'operational' : availability >= 0.9 ? 'degraded_performance' : availability >= 0.5 ? 'partial_outage' : 'major_outage';
        assert.equal(result.measured, expected);
      }
    }),
    { numRuns: RUNS },
  );
});
