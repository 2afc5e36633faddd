import { Command } from 'commander';
import { createRequire } from 'node:module';
import { ExitCode, type CommandRegistration } from './command.js';
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

// Each verb lives in its own module beside this one and registers itself; this file only lists them.
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
];

const require = createRequire(import.meta.url);
const { version } = require('../../../package.json') as { version: string };

const program = new Command()
  .name('gameday')
  .description('Practise failure safely: chaos experiments, fault proxy, load, levers, region drills.')
  .version(version)
  .showHelpAfterError();

for (const register of registrations) register(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // Exit 1 means "hypothesis violated" to a CI pipeline; anything a verb did not handle is exit 4, with
  // what failed in one line (the stack only when asked for).
  const failure = error as NodeJS.ErrnoException;
  const where = failure.path ? ` (${failure.path})` : '';
  process.stderr.write(`gameday: ${failure.message ?? String(error)}${where}\n`);
  if (process.env.GAMEDAY_DEBUG) process.stderr.write(`${failure.stack ?? ''}\n`);
  else process.stderr.write('gameday: (GAMEDAY_DEBUG=1 shows where it happened)\n');
  process.exitCode = ExitCode.internal;
}
