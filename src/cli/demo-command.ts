// `gameday demo [experiment] [--keep] [--quick] [--assembler-timeouts on|off] [--out dir] [--junit file]
// [--facilitator|--commander|--ops|--comms|--scribe name]`: start the demo
// world, run the flagship GameDay (or the given experiment) against it, show progress on stderr and the
// summary on stdout, and stop the world. Exit codes as `gameday run` (DESIGN.md): 0 held, 1 violated,
// 2 aborted (a guardrail, or Ctrl-C), 3 invalid experiment, a port of the world taken or a world that did
// not become ready (nothing was touched), 4 internal error.
import type { Command } from 'commander';
import type { CommandRegistration } from './command.js';
import { JUNIT_FLAG, JUNIT_HELP, STORE_FLAG, STORE_HELP } from './shared-options.js';
import type { DemoFlags } from './demo-action.js';

export const registerDemoCommand: CommandRegistration = (program: Command) => {
  program
    .command('demo')
    .description('Start the demo shop (two regions, nine processes), run a GameDay against it, show the verdict, stop it')
    .argument('[experiment]', 'the experiment to run against the world (default: the flagship, examples/peak-gameday.yaml)')
    .option('--keep', 'leave the world running after the run and print its URLs (Ctrl-C stops it)')
    .option('--quick', 'run the experiment on a compressed clock (waits and durations halved; for CI)')
    .option('--assembler-timeouts <on|off>', 'off: the naive assembler without timeouts or circuit breakers (default: what the file\'s "# gameday-demo:" line says, else on)')
    .option('--out <dir>', 'the run folder (default <GAMEDAY_HOME>/runs/<runId>, GAMEDAY_HOME being $GAMEDAY_HOME, $XDG_STATE_HOME/gameday or ~/.gameday)')
    .option(JUNIT_FLAG, JUNIT_HELP)
    .option(STORE_FLAG, STORE_HELP)
    .option('--facilitator <name>', 'who runs the GameDay, named on its drill incident (default: the experiment\'s, in the flagship "fran")')
    .option('--commander <name>', 'the drill\'s incident commander (default: the experiment\'s, in the flagship "ines")')
    .option('--ops <name>', 'the drill\'s operations lead (default: the experiment\'s, in the flagship "omar")')
    .option('--comms <name>', 'the drill\'s communications lead (default: the experiment\'s, in the flagship "cora")')
    .option('--scribe <name>', 'the drill\'s scribe (default: the experiment\'s, in the flagship "sami")')
    .action(async (file: string | undefined, flags: DemoFlags) => (await import('./demo-action.js')).runDemoCommand(file, flags));
};
