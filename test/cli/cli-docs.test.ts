// The docs a newcomer reads first must match the CLI they type: every verb of the gameday program has a
// row in the README's CLI table, and every `gameday <verb> --flag` written in README.md or docs/*.md
// names a flag that verb has. Where a usage line shows a value beside an optional flag
// (`[--timeout 10s]`), that value is the default the help states. The verbs and options are read from
// the commander program the CLI runs (src/cli/program.ts), so what is checked is what --help shows.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/program.js';
import { repoRoot } from '../cli-process.js';

interface Help {
  /** Every option (long and short form) with what --help says of its default. */
  options: Map<string, string>;
  commands: string[];
}

function helpOf(command: Command): Help {
  const options = new Map<string, string>([['--help', ''], ['-h', '']]);
  for (const option of command.options) {
    const stated = option.defaultValue !== undefined ? String(option.defaultValue) : (/default:? ([^\s;),]+)/.exec(option.description)?.[1] ?? '');
    for (const name of [option.long, option.short]) if (name) options.set(name, stated);
  }
  return { options, commands: command.commands.map((sub) => sub.name()) };
}

/** The help of every verb, and of every sub-verb (`lever pull`), keyed by "verb" or "verb sub". */
function cliHelp(): { verbs: string[]; helps: Map<string, Help> } {
  const program = buildProgram();
  const helps = new Map<string, Help>();
  for (const verb of program.commands) {
    helps.set(verb.name(), helpOf(verb));
    for (const sub of verb.commands) helps.set(`${verb.name()} ${sub.name()}`, helpOf(sub));
  }
  return { verbs: program.commands.map((verb) => verb.name()), helps };
}

const docFiles = ['README.md', ...readdirSync(join(repoRoot, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** Every `gameday …` command written in the docs: in inline code, or on a line of a code block. */
function writtenCommands(): Array<{ where: string; text: string }> {
  const found: Array<{ where: string; text: string }> = [];
  for (const file of docFiles) {
    const lines = readFileSync(join(repoRoot, file), 'utf8').split('\n');
    let inBlock = false;
    for (let i = 0; i < lines.length; i++) {
      const where = `${file}:${i + 1}`;
      if (lines[i].startsWith('```')) {
        inBlock = !inBlock;
        continue;
      }
      if (inBlock) {
        let text = lines[i];
        // Continuations: a trailing backslash, or a usage synopsis wrapped onto lines that start with "[".
        while (i + 1 < lines.length && (text.endsWith('\\') || /^\s+\[/.test(lines[i + 1]))) text = `${text.replace(/\\$/, '')} ${lines[++i]}`;
        const at = text.search(/(?:^|[\s$>])gameday [a-z]/);
        if (at >= 0) found.push({ where, text: text.slice(at).replace(/\s#\s.*$/, '').trim() });
      } else {
        for (const span of lines[i].matchAll(/`(gameday [a-z][^`]*)`/g)) found.push({ where, text: span[1] });
      }
    }
  }
  return found;
}

/** Which help a command line is read against: "lever pull" for `gameday lever pull …`, else the verb. */
function helpFor(text: string, helps: Map<string, Help>): { key: string; help: Help } | null {
  const [, verb, sub] = /^gameday ([a-z-]+)(?: ([a-z-]+))?/.exec(text.replace(/^\$?\s*/, '')) ?? [];
  if (verb && sub && helps.has(`${verb} ${sub}`)) return { key: `${verb} ${sub}`, help: helps.get(`${verb} ${sub}`)! };
  return verb && helps.has(verb) ? { key: verb, help: helps.get(verb)! } : null;
}

test('every verb of the CLI has a row in the README\'s CLI table, and every option a row shows exists', () => {
  const { verbs, helps } = cliHelp();
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const table = readme.slice(readme.indexOf('## CLI reference'));
  const rows = [...table.matchAll(/^\|\s*`((?:[^`])+)`\s*\|/gm)].map((m) => m[1].replace(/\\\|/g, '|')).filter((cell) => cell.startsWith('gameday '));
  assert.ok(rows.length > 0, 'the README has a CLI table under "## CLI reference"');
  const missing = verbs.filter((verb) => !rows.some((row) => row.startsWith(`gameday ${verb} `) || row === `gameday ${verb}`));
  assert.deepEqual(missing, [], `verbs without a row in the README's CLI table: ${missing.join(', ')}`);
  for (const row of rows) {
    const verb = row.split(' ')[1];
    assert.ok(helps.has(verb), `the README's CLI table shows "gameday ${verb}", which is not a verb (verbs: ${verbs.join(', ')})`);
    const subs = /^gameday \S+ ([a-z-]+(?:\|[a-z-]+)+)/.exec(row)?.[1].split('|') ?? [];
    for (const sub of subs) assert.ok(helps.get(verb)!.commands.includes(sub), `the README's CLI table shows "gameday ${verb} ${sub}", which does not exist`);
    // A row for one sub-verb (`gameday lever pull …`) shows that sub-verb's options.
    const { key, help } = helpFor(row, helps)!;
    for (const flag of row.match(/(?<=[\s[])--?[a-z][\w-]*/g) ?? []) {
      assert.ok(help.options.has(flag), `the README's CLI table shows ${flag} for gameday ${key}, which has no such option`);
    }
  }
});

test('every gameday command written in README.md and docs/ names a verb and options that exist, with the defaults the help states', () => {
  const { verbs, helps } = cliHelp();
  const problems: string[] = [];
  const commands = writtenCommands();
  assert.ok(commands.length > 20, `found only ${commands.length} commands in the docs`);
  for (const { where, text } of commands) {
    const found = helpFor(text, helps);
    if (!found) {
      problems.push(`${where}: "${text}" names no verb of gameday (verbs: ${verbs.join(', ')})`);
      continue;
    }
    for (const flag of text.match(/(?<=[\s[])--?[a-z][\w-]*/g) ?? []) {
      if (!found.help.options.has(flag)) problems.push(`${where}: gameday ${found.key} has no option ${flag}`);
    }
    // `[--flag value]` in a usage line promises the default; placeholders (N, K:V, dir, …) promise nothing.
    for (const [, flag, value] of text.matchAll(/\[(--[\w-]+) ([^\]\s|]+)\]/g)) {
      const stated = found.help.options.get(flag);
      if (!stated || /^([A-Z]+(:[A-Z]+)?|dir|file|…)$/.test(value)) continue;
      if (!stated.includes(value) && !value.includes(stated)) problems.push(`${where}: shows [${flag} ${value}], but gameday ${found.key} --help says the default is ${stated}`);
    }
  }
  assert.deepEqual(problems, []);
});
