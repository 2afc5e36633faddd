import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FaultBook } from '../../src/experiment/fault-book.js';
import { JournalRecorder } from '../../src/journal/recorder.js';

// These reverts are plain functions recording calls: the book's ordering rules do not depend on what a
// fault is, and the proxy-backed faults are covered by the integration tests.
const INJECTED = { kind: 'latency', target: 'recs', selector: 'recs', controlUrl: 'http://127.0.0.1:8474' };
function recorder() {
  const order: string[] = [];
  const revert = (name: string, ms = 0) => async () => {
    await new Promise((r) => setTimeout(r, ms));
    order.push(name);
  };
  return { order, revert };
}

test('the normal path reverts faults last in, first out', async () => {
  const book = new FaultBook(new JournalRecorder());
  const { order, revert } = recorder();
  await book.add('a', revert('a'), INJECTED);
  await book.add('b', revert('b'), INJECTED);
  await book.add('c', revert('c'), INJECTED);
  await book.revertAllInOrder();
  assert.deepEqual(order, ['c', 'b', 'a']);
  assert.equal(book.size, 0);
});

test('the abort path reverts every fault at once, not one after the other', async () => {
  const book = new FaultBook(new JournalRecorder());
  const { order, revert } = recorder();
  for (const name of ['a', 'b', 'c', 'd']) await book.add(name, revert(name, 200), INJECTED);
  const started = performance.now();
  await book.revertAllAtOnce();
  const took = performance.now() - started;
  assert.equal(order.length, 4);
  assert.ok(took < 700, `four 200 ms reverts took ${took} ms; they ran one after the other`);
});

test('a revert runs once even when a guardrail and the method call it together', async () => {
  const journal = new JournalRecorder();
  const book = new FaultBook(journal);
  let calls = 0;
  const id = await book.add('a', async () => {
    calls += 1;
    await new Promise((r) => setTimeout(r, 20));
  }, INJECTED);
  await Promise.all([book.revert(id), book.revertAllAtOnce(), book.revertAllInOrder()]);
  assert.equal(calls, 1);
  assert.equal(journal.events.filter((e) => e.type === 'fault.reverted').length, 1);
  assert.equal(journal.bands.filter((b) => b.kind === 'fault').length, 1);
});

test('a fault whose injection lands after the abort is reverted at once', async () => {
  const book = new FaultBook(new JournalRecorder());
  const { order, revert } = recorder();
  await book.revertAllAtOnce();
  await book.add('late', revert('late'), INJECTED);
  assert.deepEqual(order, ['late']);
  assert.equal(book.size, 0);
});

test('a revert that fails stays in the book and is journaled, so the lease release still covers it', async () => {
  const journal = new JournalRecorder();
  const book = new FaultBook(journal);
  await book.add('stuck', async () => {
    throw new Error('proxy unreachable');
  }, INJECTED);
  const errors = await book.revertAllInOrder();
  assert.equal(errors.length, 1);
  assert.equal(book.size, 1);
  assert.ok(journal.events.some((e) => e.type === 'error' && e.message.includes('its lease will revert it')));
});
