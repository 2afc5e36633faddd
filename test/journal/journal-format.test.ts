// The journal's format as a reader outside GameDay meets it: the published JSON Schema, what `gameday
// schema --journal` prints, and what the recorder writes, checked with a real JSON Schema validator.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { FaultContext } from '../../src/faults/fault.js';
import { JOURNAL_EVENT_TYPES, type JournalEvent } from '../../src/journal/events.js';
import { JOURNAL_VERSION, journalJsonSchema } from '../../src/journal/format.js';
import { JournalRecorder } from '../../src/journal/recorder.js';
import { repoRoot, spawnGameday, tempHome } from '../cli-process.js';
import { matchesJournalSchema, publishedJournalSchema, validJournal } from '../journal-schema.js';

test('examples/journal.schema.json is the schema `gameday schema --journal` prints today, and `gameday schema` still prints the experiments\'', async (t) => {
  assert.deepEqual(publishedJournalSchema, journalJsonSchema(), 'regenerate it: gameday schema --journal > examples/journal.schema.json');
  const home = tempHome();
  t.after(() => home.remove());
  const journal = await spawnGameday(['schema', '--journal'], home.dir).done;
  assert.equal(journal.code, 0, journal.stderr);
  assert.deepEqual(JSON.parse(journal.stdout), publishedJournalSchema);
  const experiment = await spawnGameday(['schema'], home.dir).done;
  assert.equal(experiment.code, 0, experiment.stderr);
  assert.deepEqual(JSON.parse(experiment.stdout), JSON.parse(readFileSync(join(repoRoot, 'examples/gameday.schema.json'), 'utf8')));
});

test('the published schema names every event type, and only those', () => {
  const oneOf = (publishedJournalSchema as unknown as { properties: { events: { items: { oneOf: Array<{ $ref: string }> } } } }).properties.events.items.oneOf;
  assert.deepEqual(oneOf.map((ref) => ref.$ref.replace('#/$defs/', '')).sort(), [...JOURNAL_EVENT_TYPES].sort());
});

/** A short journal as the recorder writes it, through the same calls the engine makes. */
function recordedJournal(): ReturnType<JournalRecorder['finish']> {
  const journal = new JournalRecorder();
  journal.note('run.start', 'run r1 of "t"', { blastRadius: ['SIGKILL 1 of 2 instances of pricing'], format: 'gameday' });
  journal.note('phase.start', 'method', { phase: 'method' });
  journal.note('instances.terminated', 'SIGKILL pricing/us-east/0 (pid 4242)', { target: 'pricing', instances: [{ id: 'pricing/us-east/0', pid: 4242 }] });
  journal.note('fault.injected', 'SIGKILL 1 of 2 instances of pricing', { faultId: 1, kind: 'terminate', target: 'pricing', selector: 'pricing/us-east', controlUrl: 'http://127.0.0.1:8476' });
  journal.note('phase.end', 'method', { phase: 'method' });
  journal.note('verdict', 'held: all held', { verdict: 'held', exitCode: 0 });
  journal.samples.push({ atMs: 250, load: 'shoppers', rate: 20, ok: 5, errors: 0, dropped: 0, errorRate: 0, p50: 3.1, p99: 9.5, max: 12 });
  journal.band('phase', 'method', 0);
  return journal.finish({ gamedayVersion: '0.1.0', runId: 'r1', experiment: { title: 't', file: 't.yaml' }, verdict: 'held', verdictReason: 'all held', exitCode: 0, blastRadius: [] });
}

test('what the recorder writes is valid, and the schema refuses what the format does not allow', () => {
  const written = JSON.parse(JSON.stringify(recordedJournal())) as { version: number; events: Array<{ type: string; data: Record<string, unknown> }> };
  assert.equal(written.version, JOURNAL_VERSION);
  validJournal(written, 'the recorded journal');

  const changed = (change: (copy: typeof written) => void) => {
    const copy = structuredClone(written);
    change(copy);
    return matchesJournalSchema(copy);
  };
  assert.equal(changed((j) => (j.events[2].type = 'terminated instances')), false, 'a free-text event type');
  assert.equal(changed((j) => (j.events[2].data.note = 'extra')), false, 'a field its type does not have');
  assert.equal(changed((j) => delete j.events[3].data.controlUrl), false, 'a missing field');
  assert.equal(changed((j) => ((j as { version?: number }).version = undefined)), false, 'no version');
  assert.equal(changed((j) => (j.version = 1)), false, 'another version');
});

test('listeners see every event as it is noted, typed, in order', () => {
  const journal = new JournalRecorder();
  const seen: JournalEvent[] = [];
  journal.listen((event) => seen.push(event));
  journal.note('load.started', 'load shoppers', { load: 'shoppers' });
  journal.note('load.stopped', 'load shoppers: 3 requests', { load: 'shoppers', requests: 3, ok: 3, cancelled: false });
  assert.deepEqual(seen, journal.events);
  const [started, stopped] = seen;
  assert.equal(started.type === 'load.started' && started.data.load, 'shoppers');
  assert.equal(stopped.type === 'load.stopped' && stopped.data.requests, 3);
  assert.ok(stopped.atMs >= started.atMs);
});

// Checked when the tests compile, not when they run: if any line below were accepted, `npm test` would
// fail to build. It is what keeps the union the one place that names events.
export function refusedByTheCompiler(journal: JournalRecorder, ctx: FaultContext): void {
  // @ts-expect-error a free-text type is not an event
  journal.note('terminated instances', 'x', {});
  // @ts-expect-error data of the wrong shape for its type
  journal.note('load.started', 'x', { load: 1 });
  // @ts-expect-error data is required: every event carries its facts
  journal.note('fault.reverted', 'x');
  // @ts-expect-error a fault reports what it did, never the run's own events
  ctx.note('verdict', 'x', { verdict: 'held', exitCode: 0 });
}
