// `gameday schema > gameday.schema.json`: the JSON Schema of experiment files, generated from the same zod
// definitions that validate them, for editors (yaml-language-server: `# yaml-language-server: $schema=…`).
// `gameday schema --coe` prints the schema of a COE's front matter instead.
import type { Command } from 'commander';
import { coeJsonSchema } from '../coe/front-matter.js';
import { experimentJsonSchema } from '../experiment/schema.js';
import type { CommandRegistration } from './command.js';

export const registerSchema: CommandRegistration = (program: Command) => {
  program
    .command('schema')
    .description('Print the JSON Schema of experiment files (--coe: of COE front matter)')
    .option('--coe', 'the schema of the front matter of a COE (a correction-of-error review)')
    .action((flags: { coe?: boolean }) => {
      process.stdout.write(`${JSON.stringify(flags.coe ? coeJsonSchema() : experimentJsonSchema(), null, 2)}\n`);
    });
};
