// `gameday validate <file>`: checks an experiment file offline (schema, units, references) and says what
// it would do; exit 0 valid, 3 invalid. It contacts nothing: `gameday run --dry-run` also checks targets.
import type { Command } from 'commander';
import type { CommandRegistration } from './command.js';

export const registerValidate: CommandRegistration = (program: Command) => {
  program
    .command('validate')
    .description('Check an experiment file (schema, units, references) without touching anything')
    .argument('<file>', 'the experiment file')
    .option('--skip-unsupported', 'Chaos Toolkit experiments: accept Python providers and controls as parts `gameday run --skip-unsupported` would skip')
    .action(async (file: string, flags: { skipUnsupported?: boolean }) => (await import('./validate-action.js')).runValidate(file, flags));
};
