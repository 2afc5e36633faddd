import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDuration, parseRate, parsePercentage, formatDuration } from './units.js';

test('durations are read the way users write them', () => {
  assert.equal(parseDuration('250ms'), 250);
  assert.equal(parseDuration('5s'), 5000);
  assert.equal(parseDuration('1.5s'), 1500);
  assert.equal(parseDuration('2m'), 120_000);
  assert.equal(parseDuration('1m30s'), 90_000);
  assert.throws(() => parseDuration('5'), /expected a duration like 250ms/);
  assert.throws(() => parseDuration('5 parsecs'), /expected a duration/);
  assert.throws(() => parseDuration(''), /expected a duration/);
});

test('rates are requests per second whatever unit was written', () => {
  assert.equal(parseRate('200/s'), 200);
  assert.equal(parseRate('600/m'), 10);
  assert.equal(parseRate('50'), 50);
  assert.throws(() => parseRate('fast'), /expected a rate like 200\/s/);
});

test('percentages become fractions and refuse values over 100', () => {
  assert.equal(parsePercentage('99.9%'), 0.999);
  assert.equal(parsePercentage('50'), 0.5);
  assert.throws(() => parsePercentage('150%'), /expected a percentage/);
});

test('durations format back into the same notation', () => {
  assert.equal(formatDuration(250), '250ms');
  assert.equal(formatDuration(5000), '5s');
  assert.equal(formatDuration(90_000), '1m30s');
});
