// A run as a JUnit XML test report, for CI servers (Jenkins, GitLab, GitHub Actions reporters): one test
// case per objective check (an objective in each phase it applies to: before, during, after), one per
// guardrail, and one for the run itself. A missed objective is a <failure> that names it, with what was
// expected and what was measured; a breached guardrail is a <failure> too; a check the run never got to
// is <skipped> with the reason; an interrupted run or an internal error is an <error>.
//
// The shape is the one both common schemas accept (docs/ci.md): Apache Ant's (the strict one — a
// <properties>, <system-out> and <system-err> in every suite, at most one outcome element per test case,
// a timestamp without a zone) and Jenkins' (test/fixtures/junit/). Pure: the CLI writes the file.
import { basename, extname } from 'node:path';
import type { Journal } from '../journal/format.js';
import type { ObjectiveResult } from '../journal/outcome.js';
import { expectedText, sloName } from '../experiment/sli.js';
import type { Experiment } from '../experiment/schema.js';
import { formatDuration } from '../units/units.js';

type Phase = 'before' | 'during' | 'after';
const PHASES: readonly Phase[] = ['before', 'during', 'after'];
/** The run phase whose span times each check (journal bands of kind "phase"). */
const PHASE_BAND: Record<Phase | 'guardrail', string> = { before: 'steady state before', during: 'method', after: 'steady state after', guardrail: 'method' };

/** What the experiment declared, so that a check the run never reached is still listed (as skipped). */
export interface DeclaredChecks {
  objectives: { name: string; when: readonly Phase[] }[];
  guardrails: { name: string; sli: string; expected: string; forMs: number }[];
}

export function declaredChecks(experiment: Experiment): DeclaredChecks {
  return {
    objectives: experiment.hypothesis.objectives.map((objective) => ({ name: sloName(objective), when: objective.when })),
    guardrails: experiment.guardrails.map((g) => ({ name: sloName(g), sli: `${g.source} ${g.sli}`, expected: expectedText(g), forMs: g.for })),
  };
}

interface TestCase {
  classname: string;
  name: string;
  seconds: number;
  outcome?: { element: 'failure' | 'error' | 'skipped'; type: string; message: string; text?: string };
}

export interface JUnitContext {
  hostname: string;
  /** The run folder, named in the report so a CI log leads to journal.json and report.html. */
  folder?: string;
}

/** The JUnit XML of a run that started (whatever its verdict). */
export function junitReport(journal: Journal, declared: DeclaredChecks, context: JUnitContext): string {
  const group = classPrefix(journal.experiment.file);
  const cases: TestCase[] = [];
  const checked = new Map(journal.objectives.map((o) => [`${o.phase}\0${o.name}`, o]));
  const notChecked = `not checked: the run ended before this check (${journal.verdictReason})`;
  const seconds = (phase: Phase | 'guardrail') => phaseSeconds(journal, PHASE_BAND[phase]);

  for (const phase of PHASES) {
    for (const objective of declared.objectives.filter((o) => o.when.includes(phase))) {
      const result = checked.get(`${phase}\0${objective.name}`);
      checked.delete(`${phase}\0${objective.name}`);
      cases.push({
        classname: `${group}.${phase}`,
        name: `${objective.name} (${phase})`,
        seconds: seconds(phase),
        outcome: result ? objectiveOutcome(result) : { element: 'skipped', type: 'not-checked', message: notChecked },
      });
    }
  }
  for (const guardrail of declared.guardrails) {
    const breach = checked.get(`guardrail\0${guardrail.name}`);
    checked.delete(`guardrail\0${guardrail.name}`);
    const sustained = guardrail.forMs > 0 ? ` for ${formatDuration(guardrail.forMs)}` : '';
    cases.push({
      classname: `${group}.guardrail`,
      name: `${guardrail.name} (guardrail)`,
      seconds: seconds('guardrail'),
      outcome: breach
        ? {
            element: 'failure',
            type: 'guardrail-breached',
            message: `guardrail ${guardrail.name} breached: ${guardrail.sli} expected ${guardrail.expected}${sustained}, measured ${breach.measured}; the run was aborted`,
            text: journal.verdictReason,
          }
        : undefined,
    });
  }
  // Checks the experiment did not declare in GameDay's terms (a Chaos Toolkit run's tolerances).
  for (const result of checked.values()) {
    cases.push({ classname: `${group}.${result.phase}`, name: `${result.name} (${result.phase})`, seconds: seconds(result.phase), outcome: objectiveOutcome(result) });
  }
  cases.push({ classname: `${group}.run`, name: 'the run was not interrupted (run)', seconds: journal.durationMs / 1000, outcome: runOutcome(journal) });

  const summary = [
    `verdict: ${journal.verdict.toUpperCase()} (exit ${journal.exitCode}) — ${journal.verdictReason}`,
    ...journal.objectives.map((o) => `${o.ok ? 'ok    ' : 'MISSED'}  ${o.phase.padEnd(9)} ${o.name}: expected ${o.expected}, measured ${o.measured}`),
    ...(context.folder ? [`run folder: ${context.folder} (journal.json, report.html)`] : []),
  ];
  return renderSuite({
    name: journal.experiment.title,
    timestamp: journal.startedAt,
    seconds: journal.durationMs / 1000,
    hostname: context.hostname,
    properties: {
      'gameday.run': journal.runId,
      'gameday.verdict': journal.verdict,
      'gameday.exit-code': String(journal.exitCode),
      'gameday.experiment': journal.experiment.file,
      'gameday.version': journal.gamedayVersion,
      ...(context.folder ? { 'gameday.run-folder': context.folder } : {}),
    },
    cases,
    out: summary.join('\n'),
  });
}

/**
 * The JUnit XML of a run that did not start: refused before anything was touched (exit 3: an invalid
 * experiment, an unreachable target, a demo world that did not start), interrupted first (exit 2), or an
 * internal error (exit 4): one test case in error, saying why, so the CI page shows the reason instead
 * of "no test results found".
 */
export function junitRefusal(input: { file: string; check: string; reason: string; exitCode: number; at: Date }, context: JUnitContext): string {
  const verdict = input.exitCode === 3 ? 'invalid' : input.exitCode === 2 ? 'aborted' : 'error';
  return renderSuite({
    name: input.file,
    timestamp: input.at.toISOString(),
    seconds: 0,
    hostname: context.hostname,
    properties: { 'gameday.verdict': verdict, 'gameday.exit-code': String(input.exitCode), 'gameday.experiment': input.file },
    cases: [
      {
        classname: `${classPrefix(input.file)}.run`,
        name: input.check,
        seconds: 0,
        outcome: { element: 'error', type: verdict, message: firstLine(input.reason), text: input.reason },
      },
    ],
    out: `${verdict}: ${input.reason}`,
  });
}

function objectiveOutcome(result: ObjectiveResult): TestCase['outcome'] {
  if (result.ok) return undefined;
  return { element: 'failure', type: 'objective-missed', message: `${result.name} (${result.phase}): ${result.sli} expected ${result.expected}, measured ${result.measured}` };
}

function runOutcome(journal: Journal): TestCase['outcome'] {
  if (journal.verdict === 'error') return { element: 'error', type: 'internal-error', message: firstLine(journal.verdictReason), text: journal.verdictReason };
  const abort = journal.events.flatMap((event) => (event.type === 'abort' ? [event.data.kind] : []))[0];
  if (abort && abort !== 'guardrail') return { element: 'error', type: `aborted-${abort}`, message: firstLine(journal.verdictReason), text: journal.verdictReason };
  return undefined;
}

function phaseSeconds(journal: Journal, label: string): number {
  const band = journal.bands.find((b) => b.kind === 'phase' && b.label === label);
  return band ? Math.max(0, band.endMs - band.startMs) / 1000 : 0;
}

/** `examples/peak-gameday.yaml` → `peak-gameday`: test case classes group by experiment. */
function classPrefix(file: string): string {
  return basename(file, extname(file)).replace(/[^A-Za-z0-9_-]+/g, '-') || 'experiment';
}

function firstLine(text: string): string {
  return text.split('\n')[0];
}

interface Suite {
  name: string;
  /** ISO 8601; written without its zone (Ant's schema has no zone), in UTC. */
  timestamp: string;
  seconds: number;
  hostname: string;
  properties: Record<string, string>;
  cases: TestCase[];
  out: string;
}

function renderSuite(suite: Suite): string {
  const count = (element: string) => suite.cases.filter((c) => c.outcome?.element === element).length;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<testsuites>',
    `  <testsuite ${attributes({
      name: suite.name,
      package: 'gameday',
      id: '0',
      timestamp: suite.timestamp.slice(0, 19),
      hostname: suite.hostname || 'localhost',
      tests: String(suite.cases.length),
      failures: String(count('failure')),
      errors: String(count('error')),
      skipped: String(count('skipped')),
      time: seconds(suite.seconds),
    })}>`,
    '    <properties>',
    ...Object.entries(suite.properties).map(([name, value]) => `      <property ${attributes({ name, value })}/>`),
    '    </properties>',
  ];
  for (const c of suite.cases) {
    const head = `    <testcase ${attributes({ name: c.name, classname: c.classname, time: seconds(c.seconds) })}`;
    if (!c.outcome) {
      lines.push(`${head}/>`);
      continue;
    }
    const { element, type, message, text } = c.outcome;
    lines.push(`${head}>`, `      <${element} ${attributes({ type, message })}>${escapeXml(text ?? message)}</${element}>`, '    </testcase>');
  }
  lines.push(`    <system-out>${escapeXml(suite.out)}</system-out>`, '    <system-err></system-err>', '  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}

function seconds(value: number): string {
  return (Math.round(value * 1000) / 1000).toFixed(3);
}

function attributes(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([key, value]) => `${key}="${escapeXml(value).replace(/"/g, '&quot;').replace(/\n/g, '&#10;')}"`)
    .join(' ');
}

/** XML 1.0 text: the five escapes, and no control characters it cannot carry at all. */
function escapeXml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}
