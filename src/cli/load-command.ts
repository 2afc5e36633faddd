// `gameday load <url>`: parse the flags into LoadOptions, call runLoad, show progress on stderr and the
// summary at the end. Exit codes: 0 the run finished (error responses are results, not failures of the
// tool), 3 invalid input or unreachable target (no request sent), 130 stopped with Ctrl-C (the summary
// of what ran is still printed and written), 4 internal error.
import { Option, type Command, type CommanderError } from 'commander';
import { ExitCode, type CommandRegistration } from './command.js';
import { DEFAULT_RATE } from '../load/input.js';
import type { Flags } from './load-action.js';

export const registerLoad: CommandRegistration = (program: Command) => {
  program
    .command('load')
    .description('Send HTTP load: open model at an arrival rate (default) or closed model (--closed) for max throughput.')
    .argument('<url>', 'target URL, e.g. http://127.0.0.1:8080/')
    .option('--rate <rate>', `open model: arrival rate (default ${DEFAULT_RATE} unless --stages or --closed)`)
    .option('--duration <duration>', 'how long, e.g. 30s (default 30s; for --stages their sum)')
    .option('--stages <stages>', 'open model: ramps, e.g. 10s:100/s,30s:1000/s,10s:0/s (linear from the previous rate, the first from 0)')
    .option('--connections <n>', 'connections (closed: loops, default 10; open: pool size, default 100)')
    .option('--max-in-flight <n>', 'open model: cap on requests in flight; arrivals beyond it are counted as dropped (default: 1 s of arrivals at the peak rate, at least 1000)')
    .option('--closed', 'closed model: each connection sends as soon as the previous answer arrives')
    .option('--method <method>', 'HTTP method', 'GET')
    .option('--header <name:value>', 'request header (repeatable)', (value: string, all: string[]) => [...all, value], [] as string[])
    .option('--body <@file|text>', 'request body, literally or @file to read a file')
    .option('--timeout <duration>', 'per-request timeout, queueing included (default 10s)')
    .option('--json <file>', 'write the full summary with per-second samples as JSON (- for stdout)')
    .addOption(new Option('--no-progress', 'do not show the per-second progress line'))
    .showHelpAfterError(false)
    .configureOutput({
      // One line, like every other input error of this verb.
      outputError: (text, write) => write(`gameday load: ${text.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ').trim()}\n`),
    })
    .exitOverride((error: CommanderError) => {
      // Help and version exit 0; any flag commander itself rejects is invalid input (exit 3).
      process.exit(error.exitCode === 0 ? 0 : ExitCode.invalid);
    })
    .action(async (url: string, flags: Flags) => (await import('./load-action.js')).runLoadCommand(url, flags));
};
