// `gameday schema > gameday.schema.json`: the JSON Schema of experiment files, generated from the same zod
// definitions that validate them, for editors (yaml-language-server: `# yaml-language-server: $schema=…`).
// `gameday schema --journal`: the JSON Schema of journal.json, for anyone who reads runs without GameDay.
import type { Command } from 'commander';
import { experimentJsonSchema } from '../experiment/schema.js';
import { journalJsonSchema } from '../journal/format.js';
import type { CommandRegistration } from './command.js';

export const registerSchema: CommandRegistration = (program: Command) => {
  program
    .command('schema')
    .description('Print the JSON Schema of experiment files (or, with --journal, of journal.json)')
    .option('--journal', "print the JSON Schema of a run's journal.json instead (docs/journal.md)")
    .action((flags: { journal?: boolean }) => {
      const schema = flags.journal ? journalJsonSchema() : experimentJsonSchema();
      process.stdout.write(`${JSON.stringify(schema, null, 2)}\n`);
    });
};
