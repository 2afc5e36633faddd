import { Command } from 'commander';
import { createRequire } from 'node:module';
import type { CommandRegistration } from './command.js';
import { registerRun } from './run-command.js';
import { registerValidate } from './validate-command.js';
import { registerHalt } from './halt-command.js';
import { registerRuns } from './runs-command.js';
import { registerReport } from './report-command.js';
import { registerSchema } from './schema-command.js';
import { registerFaults } from './faults-command.js';
import { registerLoad } from './load-command.js';
import { registerProxyCommand } from './proxy-command.js';
import { registerLeverCommand } from './lever-command.js';
import { registerServeCommand } from './serve-command.js';
import { registerFleetCommand } from './fleet-command.js';
import { registerDemoCommand } from './demo-command.js';
import { registerCoeCommand } from './coe-command.js';
import { registerStoreCommand } from './store-command.js';
import { registerStatusCommand } from './status-command.js';
import { registerIncidentCommand } from './incident-command.js';

// Each verb lives in its own module beside this one and registers itself; this file only lists them.
// Building the program apart from parsing argv (main.ts) lets the docs test read every verb and option.
// A verb's definition (x-command.ts) imports only what its help needs; what it does (x-action.ts, or the
// modules its action imports) is loaded when it runs, so `gameday proxy` holds the proxy and not the demo
// world, and `--help` answers at once (test/cli/lazy-load.test.ts). A failure to load an action is an
// error of that action: main.ts says it in one line, exit 4.
const registrations: CommandRegistration[] = [
  registerRun,
  registerValidate,
  registerHalt,
  registerRuns,
  registerReport,
  registerSchema,
  registerFaults,
  registerLoad,
  registerProxyCommand,
  registerLeverCommand,
  registerServeCommand,
  registerFleetCommand,
  registerDemoCommand,
  registerCoeCommand,
  registerStoreCommand,
  registerStatusCommand,
  registerIncidentCommand,
];

const require = createRequire(import.meta.url);
const { version } = require('../../../package.json') as { version: string };

export function buildProgram(): Command {
  const program = new Command()
    .name('gameday')
    .description('Practise failure safely: chaos experiments, fault proxy, load, levers, region drills.')
    .version(version)
    .showHelpAfterError();
  for (const register of registrations) register(program);
  return program;
}
