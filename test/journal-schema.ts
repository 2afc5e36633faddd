// The published JSON Schema of journal.json (examples/journal.schema.json), checked by a real JSON Schema
// validator (Ajv, draft 2020-12, with formats) rather than by the zod definitions it was generated from: a
// reader without GameDay validates with the schema, so the tests do too. Every test that reads a journal a
// real run wrote reads it through here.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { Journal } from '../src/journal/format.js';
import { repoRoot } from './cli-process.js';

// ajv-formats is CommonJS: under NodeNext its default export is the module object.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

export const publishedJournalSchema = JSON.parse(readFileSync(join(repoRoot, 'examples/journal.schema.json'), 'utf8')) as { $id: string; $defs: Record<string, unknown> };

const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
const validate = ajv.compile(publishedJournalSchema);

/** Whether `value` is a journal of the published schema (for tests of what the schema refuses). */
export function matchesJournalSchema(value: unknown): boolean {
  return validate(value);
}

/** Why `value` is not an instance of the schema's definition `name` (an event type, SliSample …), or undefined if it is. */
export function definitionProblems(name: string, value: unknown): string | undefined {
  const own = ajv.getSchema(`${publishedJournalSchema.$id}#/$defs/${name}`);
  if (!own) return `the schema has no definition ${name}`;
  return own(value) ? undefined : ajv.errorsText(own.errors);
}

/** Asserts that `value` is a journal of the published schema, naming the first event that is not; returns it typed. */
export function validJournal(value: unknown, what: string): Journal {
  if (validate(value)) return value as Journal;
  // A oneOf over every event type reports a complaint per type; the event's own definition says what is wrong.
  const events = (value as { events?: Array<{ type?: string }> }).events ?? [];
  for (const [index, event] of events.entries()) {
    const problems = definitionProblems(String(event?.type), event);
    if (problems) assert.fail(`${what}: events[${index}]: ${problems}\n${JSON.stringify(event)}`);
  }
  assert.fail(`${what} does not match the journal schema: ${ajv.errorsText(validate.errors?.filter((e) => !e.instancePath.startsWith('/events/')))}`);
}
