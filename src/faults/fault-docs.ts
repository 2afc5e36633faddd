import type { FaultDefinition } from './fault.js';
import { faultParameters, formName, type FaultParameter } from './fault-params.js';

// What `gameday faults` prints — for a terminal, and with --markdown the tables of docs/experiments.md —
// from the registry alone, so a new kind is documented by its own file.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Definitions = readonly FaultDefinition<any>[];

const topLevel = (rows: readonly FaultParameter[]) => rows.filter((row) => !row.name.includes('.'));

/** "pull | reset" for a union, "latency, jitter?, stream?" for an object. */
function paramsLine(forms: readonly FaultParameter[][]): string {
  return forms.map((rows) => topLevel(rows).map((row) => (row.required ? row.name : `${row.name}?`)).join(', ')).join(' | ') || '(none)';
}

function ownStepLine(definition: FaultDefinition<unknown>, forms: readonly FaultParameter[][]): string | undefined {
  if (!definition.step) return undefined;
  return `${definition.step.key}: ${forms.map(formName).join(' | ')}, target? (default: the only ${definition.targetKind} target)`;
}

/** The human listing: one kind per entry, what it acts on, what it does, its params. */
export function faultList(definitions: Definitions): string {
  const width = Math.max(...definitions.map((d) => d.kind.length));
  const targetWidth = Math.max(...definitions.map((d) => d.targetKind.length));
  const indent = ' '.repeat(width + targetWidth + 6);
  return definitions
    .map((definition) => {
      const forms = faultParameters(definition);
      const own = ownStepLine(definition, forms);
      return (
        `${definition.kind.padEnd(width)}  on ${definition.targetKind.padEnd(targetWidth)} ${definition.summary}\n` +
        `${indent}params: ${paramsLine(forms)}\n` +
        (own ? `${indent}also a step: ${own}\n` : '')
      );
    })
    .join('');
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function defaultCell(row: FaultParameter): string {
  if (row.required) return 'required';
  if (row.default === undefined) return '—';
  return `\`${typeof row.default === 'string' ? row.default : JSON.stringify(row.default)}\``;
}

function kindSection(definition: FaultDefinition<unknown>): string {
  const forms = faultParameters(definition);
  const lines = [`#### \`${definition.kind}\``, '', `On a \`${definition.targetKind}\` target. ${definition.summary}.`];
  if (forms.length > 1) lines.push('', `Written in one of ${forms.length} forms: ${forms.map((rows) => `\`${formName(rows)}\``).join(', ')}.`);
  if (definition.step) {
    lines.push(
      '',
      `Also written as a step of its own, \`${definition.step.key}: { …params, target?, duration? }\`, whose target defaults to the only ` +
        `\`${definition.targetKind}\` target declared.`,
    );
  }
  const rows = forms.flat().filter((row, i, all) => all.findIndex((other) => other.name === row.name) === i);
  lines.push('');
  if (rows.length === 0) lines.push('No parameters.');
  else {
    lines.push('| parameter | type | default | meaning |', '| --- | --- | --- | --- |');
    for (const row of rows) lines.push(`| \`${row.name}\` | ${cell(row.type)} | ${defaultCell(row)} | ${cell(row.meaning)} |`);
  }
  return lines.join('\n');
}

/** The Markdown tables: every kind with its target kind and summary, then each kind's parameters. */
export function faultTables(definitions: Definitions): string {
  const index = [
    '| kind | target | summary |',
    '| --- | --- | --- |',
    ...definitions.map((d) => `| [\`${d.kind}\`](#${d.kind}) | \`${d.targetKind}\` | ${cell(d.summary)} |`),
  ];
  return `${[index.join('\n'), ...definitions.map(kindSection)].join('\n\n')}\n`;
}
