import { readFileSync, writeFileSync } from 'node:fs';
import { checkUrl, DEFAULT_RATE, LoadInputError, LoadTargetUnreachableError, parseDurationOption, parseHeader, parseRateOption, parseStages } from '../load/input.js';
import { formatProgress, formatSummary } from '../load/report.js';
import { runLoad } from '../load/run-load.js';
import type { LoadOptions } from '../load/types.js';
import { ExitCode } from './command.js';

const EXIT_INTERRUPTED = 130;

export interface Flags {
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

function toLoadOptions(url: string, flags: Flags): LoadOptions {
  // The URL first: with a wrong target, every other complaint is noise.
  checkUrl(url);
  const closed = flags.closed === true;
  if (closed && (flags.rate !== undefined || flags.stages !== undefined)) {
    throw new LoadInputError('--closed', 'the closed model sends as fast as answers come; it takes no --rate or --stages');
  }
  if (flags.rate !== undefined && flags.stages !== undefined) {
    throw new LoadInputError('--stages', 'give either --rate (constant) or --stages (ramps), not both');
  }
  const rateText = flags.rate ?? (closed || flags.stages !== undefined ? undefined : DEFAULT_RATE);
  const rate = rateText === undefined ? undefined : parseRateOption('--rate', rateText);
  // A constant 0/s would idle for the whole duration and report nothing: surely not what was meant.
  // (Stages may pass through 0/s: a ramp from or down to zero is a shape, not a mistake.)
  if (rate === 0) throw new LoadInputError('--rate', 'a rate of 0/s sends nothing; give a rate above 0');
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
    rate,
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

/** The action of `gameday load`, loaded when it runs (the verb's definition is in load-command.ts). */
export async function runLoadCommand(url: string, flags: Flags): Promise<void> {
  process.exitCode = await load(url, flags);
}
