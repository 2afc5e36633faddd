// docs/journal.md is the journal's reference: it has a section for every event type of the union and no
// other, and every sample in it is valid against the published schema, so the page cannot drift from
// what GameDay writes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { JOURNAL_EVENT_TYPES } from '../../src/journal/events.js';
import { repoRoot } from '../cli-process.js';
import { definitionProblems, validJournal } from '../journal-schema.js';

interface Section {
  heading: string;
  samples: unknown[];
}

/** The page cut at its headings, with the ```json samples of each section parsed. */
function sections(): Section[] {
  const text = readFileSync(join(repoRoot, 'docs/journal.md'), 'utf8');
  const found: Section[] = [];
  for (const part of text.split(/^(?=#{2,4} )/m).slice(1)) {
    const heading = part.slice(0, part.indexOf('\n')).replace(/^#+ /, '');
    const samples = [...part.matchAll(/^```json\n([\s\S]*?)^```/gm)].map((match) => JSON.parse(match[1]) as unknown);
    found.push({ heading, samples });
  }
  return found;
}

const eventSections = () => sections().filter((s) => /^`[^`]+`$/.test(s.heading));

test('docs/journal.md has a section for every event type, and none for a type that does not exist', () => {
  const documented = eventSections().map((s) => s.heading.slice(1, -1));
  assert.deepEqual([...documented].sort(), [...JOURNAL_EVENT_TYPES].sort());
  assert.equal(new Set(documented).size, documented.length, 'each type once');
});

test('every sample event in docs/journal.md is valid against the published schema, under its own type', () => {
  for (const section of eventSections()) {
    const type = section.heading.slice(1, -1);
    assert.equal(section.samples.length, 1, `one sample for ${type}`);
    const [sample] = section.samples as Array<{ type?: string }>;
    assert.equal(sample.type, type, `the sample under ${type} is of that type`);
    assert.equal(definitionProblems(type, sample), undefined, `the sample of ${type}`);
  }
});

test('the samples of the top level, samples, bands, objectives and the Chaos Toolkit summary in docs/journal.md are valid', () => {
  const byHeading = new Map(sections().map((s) => [s.heading, s.samples]));
  validJournal(byHeading.get('Top level')?.[0], 'the top-level sample');
  for (const [heading, definition] of [['Samples', 'SliSample'], ['Bands', 'Band'], ['Objectives', 'ObjectiveResult'], ['Chaos Toolkit summary', 'ChaosToolkitSummary']]) {
    const samples = byHeading.get(heading) ?? [];
    assert.equal(samples.length, 1, heading);
    assert.equal(definitionProblems(definition, samples[0]), undefined, heading);
  }
});
