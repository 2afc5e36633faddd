// `gameday faults`: the fault kinds from the registry, with the target kind each acts on and its params;
// `--markdown` prints the tables of docs/experiments.md (a test keeps the two equal).
import type { Command } from 'commander';
import type { CommandRegistration } from './command.js';

export const registerFaults: CommandRegistration = (program: Command) => {
  program
    .command('faults')
    .description('List the fault kinds an experiment can use')
    .option('--markdown', 'print the tables of docs/experiments.md (every kind, its target kind and its parameters)')
    .action(async (options: { markdown?: boolean }) => {
      const [{ faultList, faultTables }, { faultRegistry }] = await Promise.all([import('../faults/fault-docs.js'), import('../faults/registry.js')]);
      process.stdout.write(options.markdown ? faultTables(faultRegistry) : faultList(faultRegistry));
    });
};
