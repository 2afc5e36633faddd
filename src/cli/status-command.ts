import type { Command } from 'commander';
import type { CommandRegistration } from './command.js';
import { storeOption } from './shared-options.js';

// `gameday status`: the status page from the command line, read from the store — the same computation
// every control room serves, so it works while no control room runs (and then says "no data", which is
// true). `export` writes the page as static files; `declare` and `clear` are what a person may add.

export const registerStatusCommand: CommandRegistration = (program: Command) => {
  const status = storeOption(
    program
      .command('status')
      .description('Print the current status of every component and the SLIs behind it, computed from the store (where the control room keeps its samples)')
      .option('--json', 'print the components as /api/v2/components.json does'),
  ).action(async (flags: { json?: boolean; store?: string }) => (await import('./status-action.js')).showStatus(flags));

  storeOption(status.command('export').description('Write the status page, its JSON and feeds as static files into a folder').argument('<dir>', 'the folder (created if needed)')).action(async (dir: string, flags: { store?: string }) => (await import('./status-action.js')).exportStatus(dir, flags, status.opts<{ store?: string }>().store));

  storeOption(
    status
      .command('declare')
      .description('Declare a component worse than measured (or add words), as a person; refused if it would show it better than its SLIs')
      .argument('<component>', 'the component id')
      .argument('[status]', `degraded_performance, partial_outage or major_outage (none: words only)`)
      .requiredOption('--message <text>', 'what people should know')
      .requiredOption('--by <name>', 'who declares it'),
  ).action(async (component: string, declared: string | undefined, flags: { message: string; by: string; store?: string }) => (await import('./status-action.js')).declareStatus(component, declared, flags, status.opts<{ store?: string }>().store));

  storeOption(
    status.command('clear').description("Clear a component's declaration: it shows what is measured again").argument('<component>', 'the component id').requiredOption('--by <name>', 'who clears it').option('--message <text>', 'why', 'cleared'),
  ).action(async (component: string, flags: { by: string; message: string; store?: string }) => (await import('./status-action.js')).clearStatus(component, flags, status.opts<{ store?: string }>().store));
};
