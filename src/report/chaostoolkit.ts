// The part of a report only a Chaos Toolkit run has: the verdict in Chaos Toolkit's own words (status,
// deviated, what `chaos run` would exit with), the strategies that applied, and every part that was
// left out (--skip-unsupported) or where `chaos run` would have stopped with an error. Rendered from the
// journal alone, like the rest of the report.

import type { ChaosToolkitSummary } from '../journal/chaostoolkit.js';
import type { LoadedJournal } from '../journal/format.js';
import { escapeHtml, escapeMarkdown, markdownCode } from './format.js';

function facts(ctk: ChaosToolkitSummary): [string, string][] {
  return [
    ['Status', String(ctk.status)],
    ['Deviated', ctk.deviated ? 'yes' : 'no'],
    ['`chaos run` would exit', String(ctk.chaosExitCode)],
    ['Rollback strategy', `${ctk.rollbackStrategy} (rollbacks ${ctk.rollbacksPlayed ? 'played' : 'not played'})`],
    ['Hypothesis strategy', String(ctk.hypothesisStrategy)],
  ];
}

function lists(ctk: ChaosToolkitSummary): [string, string[]][] {
  return [
    ['Skipped (--skip-unsupported): not run, not judged', ctk.skipped ?? []],
    ['Where `chaos run` would have stopped with an error', ctk.crashes ?? []],
    ['Accepted with a remark', ctk.warnings ?? []],
  ];
}

export function renderChaosToolkitHtml(journal: LoadedJournal): string {
  const ctk = journal.chaostoolkit;
  if (!ctk || typeof ctk !== 'object') return '';
  const code = (text: string) => escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');
  return [
    '<section class="card" id="chaostoolkit"><h2>Chaos Toolkit</h2>',
    '<p class="note">This run is a Chaos Toolkit experiment. Its verdict as Chaos Toolkit gives it:</p>',
    `<dl class="meta">${facts(ctk).map(([k, v]) => `<div><dt>${code(k)}</dt><dd>${escapeHtml(v)}</dd></div>`).join('')}</dl>`,
    ...lists(ctk)
      .filter(([, items]) => items.length > 0)
      .map(([title, items]) => `<h3>${code(title)}</h3><ul>${items.map((item) => `<li class="mono">${escapeHtml(item)}</li>`).join('')}</ul>`),
    '</section>',
  ].join('');
}

export function renderChaosToolkitMarkdown(journal: LoadedJournal): string[] {
  const ctk = journal.chaostoolkit;
  if (!ctk || typeof ctk !== 'object') return [];
  const lines = ['## Chaos Toolkit', '', 'This run is a Chaos Toolkit experiment. Its verdict as Chaos Toolkit gives it:', ''];
  lines.push('| | |', '| --- | --- |', ...facts(ctk).map(([k, v]) => `| ${k.includes('`') ? k : escapeMarkdown(k)} | ${escapeMarkdown(v)} |`), '');
  for (const [title, items] of lists(ctk)) {
    if (items.length === 0) continue;
    lines.push(`**${title.replace(/`/g, '')}**`, '', ...items.map((item) => `- ${markdownCode(item)}`), '');
  }
  return lines;
}
