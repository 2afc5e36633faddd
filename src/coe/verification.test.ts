import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { experimentIdentity } from './identity.js';
import { parseObjective } from './run-facts.js';
import { factOfRun } from './verification.js';

test('a run verifies an item when it held, reopens it when violated or stopped by a guardrail, and says nothing otherwise', () => {
  assert.equal(factOfRun({ verdict: 'held' }), 'verified');
  assert.equal(factOfRun({ verdict: 'violated' }), 'reopened');
  assert.equal(factOfRun({ verdict: 'aborted', abortKind: 'guardrail' }), 'reopened');
  for (const abortKind of ['signal', 'halt', 'lease', 'error']) assert.equal(factOfRun({ verdict: 'aborted', abortKind }), undefined, abortKind);
  assert.equal(factOfRun({ verdict: 'invalid' }), undefined);
  assert.equal(factOfRun({ verdict: 'error' }), undefined);
});

test('an experiment is the same file through a symbolic link or from another folder, and a copy has the same hash', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gameday-identity-'));
  try {
    writeFileSync(join(dir, 'x.yaml'), 'title: x\n');
    writeFileSync(join(dir, 'copy.yaml'), 'title: x\n');
    symlinkSync(join(dir, 'x.yaml'), join(dir, 'link.yaml'));
    const original = experimentIdentity('x.yaml', dir);
    assert.deepEqual(experimentIdentity(join(dir, 'link.yaml')), original);
    assert.deepEqual(experimentIdentity('../x.yaml', join(dir, 'sub')), original);
    assert.equal(experimentIdentity('copy.yaml', dir).sha256, original.sha256);
    assert.deepEqual(experimentIdentity('gone.yaml', dir), { path: join(dir, 'gone.yaml'), sha256: null });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('objectives are read back from the journal\'s words: source, SLI and bound', () => {
  assert.deepEqual(parseObjective('shoppers availability', '>= 99.5%'), { source: 'shoppers', kind: 'availability', bound: 0.995 });
  assert.deepEqual(parseObjective('shop front p99 latency', '<= 1.5s'), { source: 'shop front', kind: 'latency', percentile: 'p99', bound: 1500 });
  assert.deepEqual(parseObjective('api throughput', '>= 20/s'), { source: 'api', kind: 'throughput', bound: 20 });
  assert.equal(parseObjective('api mystery', '>= 1'), undefined);
  assert.equal(parseObjective('api availability', 'about 99%'), undefined);
});
