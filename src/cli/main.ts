import { ExitCode } from './command.js';
import { buildProgram } from './program.js';

try {
  await buildProgram().parseAsync(process.argv);
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
