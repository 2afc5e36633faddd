// `gameday load <url>`: parse the flags into LoadOptions, call runLoad, show progress on stderr and the
// summary at the end. Exit codes: 0 the run finished (error responses are results, not failures of the
// tool), 3 invalid input or unreachable target (no request sent), 130 stopped with Ctrl-C (the summary
// of what ran is still printed and written), 4 internal error.
import { readFileSync, writeFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { LoadInputError, LoadTargetUnreachableError, parseDurationOption, parseHeader, parseRateOption, parseStages } from '../load/input.js';
import { formatProgress, formatSummary } from '../load/report.js';
import { runLoad } from '../load/run-load.js';
import type { LoadOptions } from '../load/types.js';
import { ExitCode, type CommandRegistration } from './command.js';

const EXIT_INTERRUPTED = 130;

interface Flags {
  rate?: string;
  duration?: string;
  stages?: string;
  connections?: string;
  maxInFlight?: string;
  closed?: boolean;
  method: string;
  header: string[];
  body?: string;
  timeout?: string;
  json?: string;
  progress: boolean;
}

function integer(field: string, text: string): number {
  if (!/^\d+$/.test(text.trim())) throw new LoadInputError(field, `expected a whole number, got "${text}"`);
  return Number(text);
}

function readBody(text: string): Buffer | string {
  if (!text.startsWith('@')) return text;
  try {
    return readFileSync(text.slice(1));
  } catch (error) {
    throw new LoadInputError('--body', `cannot read ${text.slice(1)}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
}

export function toLoadOptions(url: string, flags: Flags): LoadOptions {
  const closed = flags.closed === true;
  if (!closed && flags.rate === undefined && flags.stages === undefined) {
    throw new LoadInputError('--rate', 'give an arrival rate (--rate 200/s), --stages, or --closed for max throughput');
  }
  if (closed && (flags.rate !== undefined || flags.stages !== undefined)) {
    throw new LoadInputError('--closed', 'the closed model sends as fast as answers come; it takes no --rate or --stages');
  }
  if (flags.rate !== undefined && flags.stages !== undefined) {
    throw new LoadInputError('--stages', 'give either --rate (constant) or --stages (ramps), not both');
  }
  const headers: Record<string, string> = {};
  for (const header of flags.header) {
    const [name, value] = parseHeader(header, '--header');
    headers[name] = value;
  }
  return {
    url,
    model: closed ? 'closed' : 'open',
    method: flags.method.toUpperCase(),
    headers,
    body: flags.body === undefined ? undefined : readBody(flags.body),
    rate: flags.rate === undefined ? undefined : parseRateOption('--rate', flags.rate),
    stages: flags.stages === undefined ? undefined : parseStages(flags.stages, '--stages'),
    durationMs: flags.duration === undefined ? undefined : parseDurationOption('--duration', flags.duration),
    connections: flags.connections === undefined ? undefined : integer('--connections', flags.connections),
    maxInFlight: flags.maxInFlight === undefined ? undefined : integer('--max-in-flight', flags.maxInFlight),
    timeoutMs: flags.timeout === undefined ? undefined : parseDurationOption('--timeout', flags.timeout),
    sampleIntervalMs: 1000,
  };
}

async function load(url: string, flags: Flags): Promise<number> {
  let options: LoadOptions;
  try {
    options = toLoadOptions(url, flags);
  } catch (error) {
    if (error instanceof LoadInputError) return fail(error.message);
    throw error;
  }
  if (flags.json !== undefined && flags.json !== '-') {
    // Find out now, not after a 30-minute run, that the summary cannot be written.
    try {
      writeFileSync(flags.json, '');
    } catch (error) {
      return fail(`--json: cannot write ${flags.json}: ${(error as NodeJS.ErrnoException).code ?? error}`);
    }
  }
  const controller = new AbortController();
  let interrupted = false;
  const onSigint = () => {
    // First Ctrl-C stops the load and still prints the summary; a second one leaves at once.
    if (interrupted) process.exit(EXIT_INTERRUPTED);
    interrupted = true;
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  const tty = process.stderr.isTTY === true;
  try {
    const summary = await runLoad({ ...options, signal: controller.signal }, (sample) => {
      if (!flags.progress) return;
      const line = formatProgress(sample, options.model ?? 'open');
      process.stderr.write(tty ? `\r\x1b[2K${line}` : `${line}\n`);
    });
    if (tty && flags.progress) process.stderr.write('\n');
    const human = formatSummary(summary);
    if (flags.json === '-') {
      process.stderr.write(`${human}\n`);
      process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    } else {
      process.stdout.write(`${human}\n`);
      if (flags.json) writeFileSync(flags.json, `${JSON.stringify(summary, null, 2)}\n`);
    }
    return summary.cancelled ? EXIT_INTERRUPTED : 0;
  } catch (error) {
    if (error instanceof LoadInputError || error instanceof LoadTargetUnreachableError) return fail(error.message);
    process.stderr.write(`gameday load: internal error: ${(error as Error).stack ?? error}\n`);
    return ExitCode.internal;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

function fail(message: string): number {
  process.stderr.write(`gameday load: ${message}\n`);
  return ExitCode.invalid;
}

export const registerLoad: CommandRegistration = (program: Command) => {
  program
    .command('load')
    .description('Send HTTP load: open model at an arrival rate (default) or closed model (--closed) for max throughput.')
    .argument('<url>', 'target URL, e.g. http://127.0.0.1:8080/')
    .option('--rate <rate>', 'open model: arrival rate, e.g. 1000/s')
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
    .action(async (url: string, flags: Flags) => {
      process.exitCode = await load(url, flags);
    });
};
