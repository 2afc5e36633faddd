import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkOptions, LoadInputError, parseHeader, parseStages } from '../../src/load/input.js';

test('stages are read as duration:rate pairs, in the units users write', () => {
  assert.deepEqual(parseStages('10s:100/s, 30s:1000/s,500ms:60000/m,10s:0/s'), [
    { durationMs: 10_000, targetRate: 100 },
    { durationMs: 30_000, targetRate: 1000 },
    { durationMs: 500, targetRate: 1000 },
    { durationMs: 10_000, targetRate: 0 },
  ]);
});

test('a bad stage is named by its position and part', () => {
  assert.throws(() => parseStages('10s:100/s,30s'), (e: LoadInputError) => e.field === 'stages[1]' && /duration:rate/.test(e.message));
  assert.throws(() => parseStages('10s:100/s,ten:5/s'), (e: LoadInputError) => e.field === 'stages[1].duration');
  assert.throws(() => parseStages('10s:lots'), (e: LoadInputError) => e.field === 'stages[0].rate');
});

test('headers are Name:value and the name must be a valid token', () => {
  assert.deepEqual(parseHeader('X-Test: a: b'), ['X-Test', 'a: b']);
  assert.throws(() => parseHeader('no colon'), LoadInputError);
  assert.throws(() => parseHeader('bad name: x'), LoadInputError);
});

test('options that would make a run unbounded or unsendable are refused with the field named', () => {
  const base = { url: 'http://127.0.0.1:1/', rate: 10 };
  const refused: [object, string][] = [
    [{ url: 'nope' }, 'url'],
    [{ url: 'ftp://127.0.0.1/' }, 'url'],
    [{ rate: undefined }, 'rate'],
    [{ rate: -1 }, 'rate'],
    [{ rate: Infinity }, 'rate'],
    [{ durationMs: 0 }, 'duration'],
    [{ durationMs: 48 * 3_600_000 }, 'duration'],
    [{ connections: 0 }, 'connections'],
    [{ connections: 2.5 }, 'connections'],
    [{ timeoutMs: 120_000 }, 'timeout'],
    [{ sampleIntervalMs: 1 }, 'sampleInterval'],
    [{ method: 'get me' }, 'method'],
    [{ rate: undefined, stages: [{ durationMs: 0, targetRate: 5 }] }, 'stages'],
  ];
  for (const [change, field] of refused) {
    assert.throws(() => checkOptions({ ...base, ...change }), (e: LoadInputError) => e instanceof LoadInputError && e.field === field, JSON.stringify(change));
  }
  assert.equal(checkOptions({ url: 'http://127.0.0.1:1/x', model: 'closed' }).port, '1');
});
