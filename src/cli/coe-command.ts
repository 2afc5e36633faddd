// `gameday coe new|check|add|show|actions` (the other verbs are in coe-new-command.ts and
// coe-tracking-command.ts). `gameday coe check <file.md> [--json]`: checks a COE — or any Markdown file — for its structure and for
// blame. The JSON form is fixed by DESIGN.md: an array of {file, line, column, rule, severity, message,
// suggestion}. Exit 1 when a finding is an error, 0 otherwise, 3 when the file cannot be read or its front
// matter is malformed (nothing is written then).
import type { Command } from 'commander';
import type { Finding } from '../coe/rule.js';
import { coeRules } from '../coe/rules/registry.js';
import { ExitCode, type CommandRegistration } from './command.js';
import { registerCoeNew } from './coe-new-command.js';
import { registerCoeTracking } from './coe-tracking-command.js';

export const registerCoeCommand: CommandRegistration = (program: Command) => {
  const coe = program.command('coe').description('Correction-of-error reviews: blameless post-incident documents with action items (see docs/coe.md)');
  registerCoeNew(coe);
  coe
    .command('check')
    .description('Check a COE (or any Markdown file) for missing sections, whys and action items, and for blame')
    .argument('<file>', 'a Markdown file; with `kind: coe` front matter its structure is checked too')
    .option('--json', 'print the findings as a JSON array of {file, line, column, rule, severity, message, suggestion}')
    .addHelpText('after', `\nRules:\n${coeRules.map((r) => `  ${r.name.padEnd(26)} ${r.severity.padEnd(8)} ${r.summary}`).join('\n')}\n\nExit codes: 0 no errors, 1 an error finding, 3 the file cannot be read or its front matter is malformed.`)
    .action(async (file: string, flags: { json?: boolean }) => {
      // Loaded here, not at the top: the language toolkit takes most of a second to load, and every other
      // gameday command (and every demo service process) starts through this program.
      const { checkCoeFile } = await import('../coe/check.js');
      const { CoeFileError } = await import('../coe/front-matter-file.js');
      let findings: Finding[];
      try {
        findings = checkCoeFile(file);
      } catch (error) {
        if (!(error instanceof CoeFileError)) throw error;
        process.stderr.write(`${error.message}\n`);
        process.exitCode = ExitCode.invalid;
        return;
      }
      if (flags.json) process.stdout.write(`${JSON.stringify(findings, null, 2)}\n`);
      else process.stdout.write(formatFindings(file, findings));
      // Exit 1 is "violated" for run and demo; here it means the same to CI: this COE is not good enough yet.
      process.exitCode = findings.some((f) => f.severity === 'error') ? ExitCode.violated : ExitCode.held;
    });
  registerCoeTracking(coe);
};

function formatFindings(file: string, findings: Finding[]): string {
  const lines = findings.map((f) => `${f.file}:${f.line}:${f.column}  ${f.severity.padEnd(7)}  ${f.rule}  ${f.message}\n    ${f.suggestion}\n`);
  const count = (severity: Finding['severity']) => findings.filter((f) => f.severity === severity).length;
  const [errors, warnings, notes] = [count('error'), count('warning'), count('info')];
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const summary =
    findings.length === 0
      ? `${file}: no findings`
      : `${file}: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}${notes ? `, ${plural(notes, 'note')}` : ''}${errors ? '' : ' — passes'}`;
  return `${lines.join('')}${lines.length ? '\n' : ''}${summary}\n`;
}
