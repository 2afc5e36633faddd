// `gameday schema > gameday.schema.json`: the JSON Schema of experiment files, generated from the same zod
// definitions that validate them, for editors (yaml-language-server: `# yaml-language-server: $schema=…`).
// `gameday schema --coe` prints the schema of a COE's front matter instead, and `--journal` that of journal.json,
// for anyone who reads runs without GameDay; `--status` that of status.yaml.
import { Option, type Command } from 'commander';
import type { CommandRegistration } from './command.js';

export const registerSchema: CommandRegistration = (program: Command) => {
  program
    .command('schema')
    .description('Print the JSON Schema of experiment files (--coe: of COE front matter; --journal: of journal.json; --status: of status.yaml)')
    .addOption(new Option('--coe', 'the schema of the front matter of a COE (a correction-of-error review)').conflicts(['journal', 'status']))
    .addOption(new Option('--journal', "the schema of a run's journal.json (docs/journal.md)").conflicts('status'))
    .option('--status', 'the schema of status.yaml, the status page (docs/status.md)')
    .action(async (flags: { coe?: boolean; journal?: boolean; status?: boolean }) => {
      // Each schema is generated from the zod definitions that validate its files: loaded only when asked for.
      const schema = flags.coe
        ? (await import('../coe/front-matter.js')).coeJsonSchema()
        : flags.journal
          ? (await import('../journal/format.js')).journalJsonSchema()
          : flags.status
            ? (await import('../status/config.js')).statusJsonSchema()
            : (await import('../experiment/schema.js')).experimentJsonSchema();
      process.stdout.write(`${JSON.stringify(schema, null, 2)}\n`);
    });
};
