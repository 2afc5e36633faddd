// `gameday run <file> [--dry-run] [--out dir] [--junit file] [--rollback-strategy s] [--skip-unsupported]`:
// load and validate the experiment, run it, show progress on stderr and a summary on stdout. Exit codes
// (DESIGN.md): 0 held, 1 violated, 2 aborted (a guardrail, or an interruption), 3 invalid or unreachable
// (nothing touched), 4 internal error.
import type { Command } from 'commander';
import type { CommandRegistration } from './command.js';
import { JUNIT_FLAG, JUNIT_HELP, storeOption } from './shared-options.js';
import type { RunFlags } from './run-action.js';
import { ROLLBACK_STRATEGIES } from '../journal/chaostoolkit-words.js';

export const registerRun: CommandRegistration = (program: Command) => {
  storeOption(
    program
      .command('run')
      .description('Run an experiment (YAML/JSON, or a Chaos Toolkit experiment)')
      .argument('<file>', 'the experiment file')
      .option('--dry-run', 'print what would be touched, in which order, for how long; touch nothing')
      .option('--out <dir>', 'the run folder (default <GAMEDAY_HOME>/runs/<runId>, GAMEDAY_HOME being $GAMEDAY_HOME, $XDG_STATE_HOME/gameday or ~/.gameday)')
      .option(JUNIT_FLAG, JUNIT_HELP)
      .option('--rollback-strategy <strategy>', `Chaos Toolkit experiments: when rollbacks run (${ROLLBACK_STRATEGIES.join(', ')}); as \`chaos run --rollback-strategy\``)
      .option('--skip-unsupported', 'Chaos Toolkit experiments: run what can run, skip the Python providers and controls (marked in the journal and the report)'),
  ).action(async (file: string, flags: RunFlags) => (await import('./run-action.js')).runRun(file, flags));
};
