import { isAbsolute, relative } from 'node:path';
import { stringify } from 'yaml';
import { escapeMarkdown, formatCount, formatLatency, formatPercent, formatSpan, markdownCode, measuredText } from '../report/format.js';
import type { ObjectiveResult } from '../journal/outcome.js';
import type { BudgetSpent, CoeFacts, TrafficImpact } from './facts.js';
import { sectionDefinitions, type SectionKey } from './sections.js';

// A COE drafted from facts: the front matter, the measured impact, the timeline, the metrics and charts,
// and what was involved are written; what only people can write (the summary, the whys, what went well,
// the lessons, the action items) is an HTML comment saying what belongs there — the form `gameday coe
// check` reads as "not written yet", so the check on a fresh draft is the list of what is left to write.
// Every word that comes from the record is escaped: a fault's message cannot become a heading or a link.

export interface DraftFile {
  /** A file name beside the COE. */
  name: string;
  content: string;
}

export interface Draft {
  markdown: string;
  /** The charts, to be written beside the COE under these names. */
  files: DraftFile[];
}

export interface DraftOptions {
  /** The COE's file name without `.md`: chart files are named after it. */
  stem: string;
  /** Today, as the draft's date. */
  now: Date;
  /** The COE's folder: paths in the COE are written relative to it. */
  folder: string;
}

export function draftCoe(facts: CoeFacts, options: DraftOptions): Draft {
  const files = facts.charts.map((chart) => ({ name: `${options.stem}-${chart.name}.svg`, content: chart.svg, title: chart.title }));
  const body: Record<SectionKey, string[]> = {
    summary: [toWrite(`what happened, in a few sentences a newcomer understands. The record says: ${facts.runs.map((r) => `run ${r.id} ended ${r.verdict.toUpperCase()} (exit ${r.exitCode}): ${r.verdictReason}`).join('; ') || facts.subject.title}`)],
    impact: impactSection(facts),
    timeline: timelineSection(facts),
    metrics: [...objectivesTable(facts.objectives), ...files.flatMap((file) => [`![${escapeMarkdown(file.title)}](${file.name})`, ''])],
    whys: [toWrite('ask why at least five times, each answer something the system did or allowed, never a person. One numbered item per why: "Why …? Because …"')],
    'went-well': [toWrite('what helped: alarms that fired, guardrails and levers that held, people who knew where to look')],
    lessons: [toWrite('what the team now knows that it did not know before')],
    actions: [
      toWrite(
        'the changes the team commits to. Put each into the front matter\'s `actions:` with id, action, owner, due, kind and state; where an experiment can prove it, name it with `experiment:` (a path relative to this file) and a run of it that holds marks the item verified',
      ),
    ],
    related: relatedSection(facts),
  };
  const lines = [
    '---',
    frontMatter(facts, options.folder).trimEnd(),
    '---',
    '',
    `# ${escapeMarkdown(facts.subject.title)}`,
    '',
    `<!-- Drafted by gameday coe new on ${options.now.toISOString().slice(0, 10)} from ${comment(facts.recordedBy)}. The measured parts come from that record; each part only people can write holds a comment like this one, and \`gameday coe check\` lists them until they are written. -->`,
    '',
  ];
  for (const definition of sectionDefinitions) {
    lines.push(`## ${definition.heading}`, '', ...body[definition.key]);
    if (lines.at(-1) !== '') lines.push('');
  }
  return { markdown: `${lines.join('\n').trimEnd()}\n`, files: files.map(({ name, content }) => ({ name, content })) };
}

/** A part only people can write: a comment, which the check reads as not written yet. */
function toWrite(what: string): string {
  return `<!-- To be written by people: ${comment(what)}. -->`;
}

/** Text inside an HTML comment must not close it. */
function comment(text: string): string {
  return text.replace(/--+>?/g, '—').replace(/\r?\n/g, ' ');
}

function frontMatter(facts: CoeFacts, folder: string): string {
  const value: Record<string, unknown> = { kind: 'coe', title: facts.subject.title, status: 'draft' };
  if (facts.severity) value.severity = facts.severity;
  if (facts.subject.kind === 'incident') value.incident = facts.subject.id;
  else if (facts.incident) value.incident = facts.incident;
  if (facts.runs.length > 0) value.runs = facts.runs.map((run) => run.id);
  for (const key of ['started', 'detected', 'mitigated', 'resolved'] as const) if (facts.window[key]) value[key] = facts.window[key];
  value.actions = [];
  // An experiment file the record names absolutely is written relative to the COE, as `experiment:` is.
  const related = [...new Set(facts.runs.map((run) => (isAbsolute(run.experiment) ? relative(folder, run.experiment) : run.experiment)).filter(Boolean))];
  if (related.length > 0) value.related = related;
  return stringify(value, { lineWidth: 0 });
}

function impactSection(facts: CoeFacts): string[] {
  const lines: string[] = [];
  if (facts.traffic.length === 0 && facts.subject.kind === 'incident') lines.push("An incident's record has no load samples: the monitors measured its components' statuses (below).", '');
  else if (facts.traffic.length === 0) lines.push('No traffic was measured: the record has no load samples.', '');
  else {
    lines.push(`Measured by ${facts.subject.kind === 'run' ? "the run's loads (drill traffic)" : 'the monitors'}; ${escapeMarkdown(facts.recordedBy)} has every sample.`, '');
    for (const load of facts.traffic) lines.push(`- ${trafficLine(load)}`);
    lines.push('');
  }
  if (facts.components.length > 0) {
    lines.push('| component | worst status |', '| --- | --- |', ...facts.components.map((c) => `| ${escapeMarkdown(c.name)} | ${c.worstStatus.replace(/_/g, ' ')} |`), '');
  } else if (facts.subject.kind === 'run') {
    lines.push('No component status is recorded for a run: a run measures its loads, the status page measures components.', '');
  }
  if (facts.budgets.length > 0) {
    lines.push('Error budget spent against the hypothesis\' objectives, over the whole record:', '');
    lines.push('| objective | source | objective is | allowed | spent | share of the budget |', '| --- | --- | --- | ---: | ---: | ---: |');
    for (const budget of facts.budgets) lines.push(budgetRow(budget));
    lines.push('');
  }
  lines.push(toWrite('who was affected and how, in words: which customers, which pages or calls, what they saw'));
  return lines;
}

function trafficLine(load: TrafficImpact): string {
  const failed = load.errors + load.dropped;
  const parts = [
    `**${escapeMarkdown(load.source)}**: ${formatCount(failed)} of ${formatCount(load.attempts)} requests failed (${formatPercent(load.attempts > 0 ? failed / load.attempts : null)}): ${formatCount(load.errors)} answered with an error, ${formatCount(load.dropped)} not sent`,
  ];
  if (load.failing) parts.push(`failing from ${clock(load.failing.from)} to ${clock(load.failing.to)} UTC (${formatSpan(load.failing.durationMs)})`);
  parts.push(`worst interval: error rate ${formatPercent(load.worstErrorRate)}, p99 ${formatLatency(load.worstP99Ms)}`);
  return parts.join('; ');
}

function budgetRow(b: BudgetSpent): string {
  const share = b.ratio === Infinity ? 'all of it (none was allowed)' : b.ratio > 1 ? `${trim(b.ratio)}× the budget` : formatPercent(b.ratio);
  const [allowed, spent] =
    b.basis === 'requests'
      ? [`${trim(b.allowed)} failed requests`, `${formatCount(b.spent)} failed`]
      : [`${formatCount(b.allowed)} intervals`, `${formatCount(b.spent)} missed it`];
  return `| ${escapeMarkdown(b.objective)} | ${markdownCode(b.source, true)} | ${escapeMarkdown(b.expected)} | ${allowed} | ${spent} | ${share} |`;
}

function trim(n: number): string {
  return String(Number(n.toFixed(2)));
}

/** `12:51:35.06`: wall-clock time of an instant, to the hundredth, as a timeline reads. */
function clock(iso: string): string {
  return new Date(iso).toISOString().slice(11, 22);
}

function timelineSection(facts: CoeFacts): string[] {
  const lines = [`All times UTC, from ${escapeMarkdown(facts.recordedBy)}.`, ''];
  if (facts.timeline.length === 0) return [...lines, 'The record holds no events.', ''];
  // A source column only when the entries come from more than one (an incident's: a run, a monitor, people).
  const sourced = new Set(facts.timeline.map((entry) => entry.source)).size > 1;
  lines.push(sourced ? '| time | source | what happened |' : '| time | what happened |', sourced ? '| --- | --- | --- |' : '| --- | --- |');
  for (const entry of facts.timeline) {
    lines.push(`| ${clock(entry.at)} |${sourced ? ` ${escapeMarkdown(entry.source)} |` : ''} ${markdownCode(entry.kind, true)} ${escapeMarkdown(entry.text)} |`);
  }
  lines.push('');
  if (facts.timelineOmitted > 0) lines.push(`${formatCount(facts.timelineOmitted)} routine events are left out; the record has them.`, '');
  lines.push(toWrite('what people did and decided, as rows of their own (time, who, what): a person may act in the timeline'));
  return lines;
}

function objectivesTable(objectives: readonly ObjectiveResult[]): string[] {
  if (objectives.length === 0) return ['No objective was checked.', ''];
  return [
    '| objective | checked | SLI | expected | measured | result |',
    '| --- | --- | --- | --- | --- | --- |',
    ...objectives.map((o) => `| ${escapeMarkdown(o.name)} | ${escapeMarkdown(o.phase)} | ${markdownCode(o.sli, true)} | ${escapeMarkdown(o.expected)} | ${escapeMarkdown(measuredText(o))} | ${o.ok ? 'met' : '**missed**'} |`),
    '',
  ];
}

function relatedSection(facts: CoeFacts): string[] {
  const lines: string[] = [];
  for (const run of facts.runs) {
    lines.push(`- Run ${markdownCode(run.id)} of ${markdownCode(run.experiment)}: ${escapeMarkdown(run.verdict.toUpperCase())} (exit ${run.exitCode}) after ${formatSpan(run.durationMs)}; \`gameday report ${run.id}\` renders its report.`);
  }
  for (const fault of facts.faults) {
    lines.push(`- Fault on ${markdownCode(fault.target)}: ${escapeMarkdown(fault.description)}, injected ${clock(fault.injectedAt)}, ${fault.revertedAt ? `reverted ${clock(fault.revertedAt)}` : 'never reverted in the record'}.`);
  }
  for (const lever of facts.levers) lines.push(`- Lever ${markdownCode(lever.lever)} ${lever.action} at ${clock(lever.at)}.`);
  if (lines.length === 0) lines.push('None recorded.');
  return [...lines, ''];
}
