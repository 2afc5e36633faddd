// `gameday schema > gameday.schema.json`: the JSON Schema of experiment files, generated from the same zod
// definitions that validate them, for editors (yaml-language-server: `# yaml-language-server: $schema=…`).
// `gameday schema --coe` prints the schema of a COE's front matter instead, and `--journal` that of journal.json,
// for anyone who reads runs without GameDay.
import { Option, type Command } from 'commander';
import { coeJsonSchema } from '../coe/front-matter.js';
import { experimentJsonSchema } from '../experiment/schema.js';
import { journalJsonSchema } from '../journal/format.js';
import type { CommandRegistration } from './command.js';

export const registerSchema: CommandRegistration = (program: Command) => {
  program
    .command('schema')
    .description('Print the JSON Schema of experiment files (--coe: of COE front matter; --journal: of journal.json)')
    .addOption(new Option('--coe', 'the schema of the front matter of a COE (a correction-of-error review)').conflicts('journal'))
    .option('--journal', "the schema of a run's journal.json (docs/journal.md)")
    .action((flags: { coe?: boolean; journal?: boolean }) => {
      const schema = flags.coe ? coeJsonSchema() : flags.journal ? journalJsonSchema() : experimentJsonSchema();
      process.stdout.write(`${JSON.stringify(schema, null, 2)}\n`);
    });
};
