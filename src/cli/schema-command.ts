// `gameday schema > gameday.schema.json`: the JSON Schema of experiment files, generated from the same zod
// definitions that validate them, for editors (yaml-language-server: `# yaml-language-server: $schema=…`).
// `gameday schema --coe` prints the schema of a COE's front matter instead, and `--journal` that of journal.json,
// for anyone who reads runs without GameDay; `--status` that of status.yaml.
import { Option, type Command } from 'commander';
import { coeJsonSchema } from '../coe/front-matter.js';
import { experimentJsonSchema } from '../experiment/schema.js';
import { journalJsonSchema } from '../journal/format.js';
import { statusJsonSchema } from '../status/config.js';
import type { CommandRegistration } from './command.js';

export const registerSchema: CommandRegistration = (program: Command) => {
  program
    .command('schema')
    .description('Print the JSON Schema of experiment files (--coe: of COE front matter; --journal: of journal.json; --status: of status.yaml)')
    .addOption(new Option('--coe', 'the schema of the front matter of a COE (a correction-of-error review)').conflicts(['journal', 'status']))
    .addOption(new Option('--journal', "the schema of a run's journal.json (docs/journal.md)").conflicts('status'))
    .option('--status', 'the schema of status.yaml, the status page (docs/status.md)')
    .action((flags: { coe?: boolean; journal?: boolean; status?: boolean }) => {
      const schema = flags.coe ? coeJsonSchema() : flags.journal ? journalJsonSchema() : flags.status ? statusJsonSchema() : experimentJsonSchema();
      process.stdout.write(`${JSON.stringify(schema, null, 2)}\n`);
    });
};
