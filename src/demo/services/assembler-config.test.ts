import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readAssemblerConfig } from './assembler-config.js';
import { ServiceEnvError } from './service-env.js';

const east = { catalog: 'http://127.0.0.1:4001', pricing: 'http://127.0.0.1:4002' };
const west = { catalog: 'http://127.0.0.1:5001', pricing: 'http://127.0.0.1:5002' };

test('an assembler reads its own region\'s links when GAMEDAY_DEPS is keyed by region', () => {
  const config = readAssemblerConfig({ GAMEDAY_REGION: 'us-west', GAMEDAY_DEPS: JSON.stringify({ 'us-east': east, 'us-west': west }) });
  assert.deepEqual(config.dependencies, west);
  assert.equal(config.identity.service, 'assembler');
  assert.equal(config.resilience.enabled, true);
  assert.equal(config.resilience.nonCriticalTimeoutMs, 80);
  assert.equal(config.resilience.criticalTimeoutMs, 250);
  assert.equal(config.levers, undefined);
});

test('a region missing from a region-keyed GAMEDAY_DEPS is refused naming the regions that were given', () => {
  assert.throws(
    () => readAssemblerConfig({ GAMEDAY_REGION: 'eu-west', GAMEDAY_DEPS: JSON.stringify({ 'us-east': east }) }),
    (error: Error) => error instanceof ServiceEnvError && /has nothing for region "eu-west".*regions given: us-east/.test(error.message),
  );
});

test('the naive variant is chosen by GAMEDAY_ASSEMBLER_TIMEOUTS=off or by --no-timeouts, and nothing else is accepted', () => {
  const base = { GAMEDAY_DEPS: JSON.stringify(east) };
  assert.equal(readAssemblerConfig({ ...base, GAMEDAY_ASSEMBLER_TIMEOUTS: 'off' }).resilience.enabled, false);
  assert.equal(readAssemblerConfig(base, ['--no-timeouts']).resilience.enabled, false);
  assert.throws(() => readAssemblerConfig({ ...base, GAMEDAY_ASSEMBLER_TIMEOUTS: 'maybe' }), /expected "on" or "off"/);
  assert.throws(() => readAssemblerConfig(base, ['--fast']), /unknown argument --fast/);
});

test('budgets are written as durations and a wrong one names its variable', () => {
  const config = readAssemblerConfig({
    GAMEDAY_DEPS: JSON.stringify(east), GAMEDAY_TIMEOUT_NON_CRITICAL: '120ms', GAMEDAY_BREAKER_OPEN: '5s', GAMEDAY_BREAKER_FAILURES: '3',
    GAMEDAY_LEVERS_URL: 'http://127.0.0.1:8475',
  });
  assert.equal(config.resilience.nonCriticalTimeoutMs, 120);
  assert.equal(config.resilience.breakerOpenMs, 5000);
  assert.equal(config.resilience.breakerConsecutiveFailures, 3);
  assert.deepEqual(config.levers, { url: 'http://127.0.0.1:8475', token: undefined });
  assert.throws(() => readAssemblerConfig({ GAMEDAY_DEPS: '{}', GAMEDAY_TIMEOUT_CRITICAL: 'soon' }), /GAMEDAY_TIMEOUT_CRITICAL="soon" is not a duration/);
  assert.throws(() => readAssemblerConfig({}), /GAMEDAY_DEPS is not set/);
});
