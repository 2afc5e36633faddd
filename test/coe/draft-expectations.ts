// What a COE drafted from a run must say, computed here from the run's journal by plain loops — not by the
// code under test — so that "the draft's measured numbers equal the journal" is checked, not assumed.
import assert from 'node:assert/strict';
import { parse } from 'yaml';

interface Sample { atMs: number; load: string; source?: string; ok: number | null; errors: number | null; dropped: number | null }
interface Event { at: string; type: string; message: string }
interface Objective { name: string; phase: string; sli: string; expected: string; measured: string }
export interface JournalLike { runId: string; startedAt: string; samples: Sample[]; events: Event[]; objectives: Objective[] }

const n = (v: number | null) => v ?? 0;
const count = (v: number) => Math.round(v).toLocaleString('en-US');
const clock = (iso: string) => iso.slice(11, 22);
const md = (text: string) => text.replace(/[\\`*_[\]<>|~]/g, (c) => `\\${c}`);

export function frontMatterOf(markdown: string): Record<string, unknown> {
  const match = /^---\n([\s\S]*?)\n---\n/.exec(markdown);
  assert.ok(match, 'the draft starts with front matter');
  return parse(match[1]) as Record<string, unknown>;
}

/** Checks every measured number the draft states against the journal; returns the loads it checked. */
export function assertDraftMatchesJournal(markdown: string, journal: JournalLike): string[] {
  const at = (ms: number) => new Date(Date.parse(journal.startedAt) + ms).toISOString();
  const traffic = journal.samples.filter((s) => s.source !== 'probe');
  const loads = [...new Set(traffic.map((s) => s.load))];
  const failingTo: string[] = [];
  for (const load of loads) {
    const samples = traffic.filter((s) => s.load === load).sort((a, b) => a.atMs - b.atMs);
    let ok = 0, errors = 0, dropped = 0;
    for (const s of samples) { ok += n(s.ok); errors += n(s.errors); dropped += n(s.dropped); }
    const attempts = ok + errors + dropped;
    const failed = errors + dropped;
    assert.ok(markdown.includes(`**${load}**: ${count(failed)} of ${count(attempts)} requests failed`), `the impact of ${load}: ${failed} of ${attempts} failed\n${markdown}`);
    assert.ok(markdown.includes(`${count(errors)} answered with an error, ${count(dropped)} not sent`), `errors and drops of ${load}`);
    const failing = samples.filter((s) => n(s.errors) + n(s.dropped) > 0);
    if (failing.length > 0) {
      const gaps = samples.slice(1).map((s, i) => s.atMs - samples[i].atMs).filter((g) => g > 0).sort((a, b) => a - b);
      const gap = gaps.length % 2 ? gaps[gaps.length >> 1] : (gaps[gaps.length / 2 - 1] + gaps[gaps.length / 2]) / 2;
      const from = at(Math.max(0, failing[0].atMs - gap));
      const to = at(failing.at(-1)!.atMs);
      failingTo.push(to);
      assert.ok(markdown.includes(`failing from ${clock(from)} to ${clock(to)} UTC`), `the failing span of ${load}: ${clock(from)}–${clock(to)}`);
    }
    for (const objective of journal.objectives.filter((o) => o.sli === `${load} availability` && o.phase !== 'guardrail').slice(0, 1)) {
      const min = Number(/>= ([\d.]+)%/.exec(objective.expected)![1]) / 100;
      const allowed = Number(((1 - min) * attempts).toFixed(2));
      assert.ok(markdown.includes(`| ${allowed} failed requests | ${count(failed)} failed |`), `the error budget of "${objective.name}": ${allowed} allowed, ${failed} spent`);
    }
  }
  const fm = frontMatterOf(markdown);
  const first = (type: string) => journal.events.find((e) => e.type === type)?.at;
  assert.deepEqual(fm.runs, [journal.runId]);
  assert.equal(fm.started, first('fault.injected'));
  assert.equal(fm.detected, first('guardrail.breach') ?? journal.events.find((e) => e.type === 'hypothesis.checked' && (e as { data?: { ok?: boolean } }).data?.ok === false)?.at);
  assert.equal(fm.mitigated, journal.events.filter((e) => e.type === 'fault.reverted').at(-1)?.at);
  assert.equal(fm.resolved, failingTo.sort().at(-1));
  // With a drill incident's entries beside the run's, the timeline has a source column: the run's rows name the run.
  const sourced = /^\| time \| source \| what happened \|$/m.test(markdown);
  for (const event of journal.events.filter((e) => /^(fault\.|guardrail\.breach|abort$|verdict$)/.test(e.type))) {
    const row = `| ${clock(event.at)} |${sourced ? ` run ${journal.runId} |` : ''} \`${event.type}\` ${md(event.message)} |`;
    assert.ok(markdown.includes(row), `the timeline has ${event.type} at ${clock(event.at)}: ${row}`);
  }
  for (const o of journal.objectives) {
    assert.ok(markdown.includes(`| ${md(o.name)} | ${o.phase} | \`${o.sli}\` | ${md(o.expected)} | ${md(o.measured)} |`), `the metrics table has ${o.name} (${o.phase})`);
  }
  return loads;
}
