// `gameday schema > gameday.schema.json`: the JSON Schema of experiment files, generated from the same zod
// definitions that validate them, for editors (yaml-language-server: `# yaml-language-server: $schema=…`).
import type { Command } from 'commander';
import { experimentJsonSchema } from '../experiment/schema.js';
import type { CommandRegistration } from './command.js';

export const registerSchema: CommandRegistration = (program: Command) => {
  program
    .command('schema')
    .description('Print the JSON Schema of experiment files')
    .action(() => {
      process.stdout.write(`${JSON.stringify(experimentJsonSchema(), null, 2)}\n`);
    });
};
