// `gameday coe new --run <run> | --incident <id> [--out file.md] [--force]`: drafts a COE from a run's journal
// or an incident's record — measured impact, timeline, metrics and charts, what was involved — marks what
// only people can write, writes it with its charts beside it, and registers it in the store. Exit 3, with
// nothing written, when the run or incident is unknown or a file is in the way (without --force).
import type { Command } from 'commander';
import { ExitCode } from './command.js';
import { storeOption } from './shared-options.js';
import { openStoreFor } from './store-option.js';
import { describeLocation, storeLocation } from '../store/location.js';
import type { Store } from '../store/engine.js';
import { existsSync } from 'node:fs';
import { relative } from 'node:path';

interface NewFlags {
  run?: string;
  incident?: string;
  out?: string;
  force?: boolean;
  store?: string;
}

export function registerCoeNew(coe: Command): void {
  storeOption(
    coe
      .command('new')
      .description('Draft a COE from a run or an incident: measured impact, timeline, charts; what people must write is marked')
      .option('--run <run>', 'a run id from `gameday runs`, a run folder, or a journal.json')
      .option('--incident <id>', 'an incident from `gameday incident list` (7 or INC-7): its moments, severity, timeline and the worst status of its components')
      .option('--out <file.md>', 'where to write the COE (when not given: coe-<run id or INC-n>.md in the current folder); its charts go beside it')
      .option('--force', 'overwrite the COE and its charts if they are already there'),
  ).action(async (flags: NewFlags) => {
    if ((flags.run === undefined) === (flags.incident === undefined)) {
      process.stderr.write('gameday coe new: name what the COE reviews: --run <run> or --incident <id> (one of them)\nnothing was written.\n');
      process.exitCode = ExitCode.invalid;
      return;
    }
    process.exitCode = await coeNew(flags);
  });
}

async function coeNew(flags: NewFlags): Promise<number> {
  const { newCoe, CoeOutputError, CoeSourceError } = await import('../coe/new.js');
  const { checkCoeFile } = await import('../coe/check.js');
  const location = storeLocation(flags.store);
  let store: Store | undefined;
  const open = async () => {
    store ??= await openStoreFor('coe new', location, 'nothing was written.\n');
    if (!store) throw new CoeOutputError('');
    return store;
  };
  try {
    const drafted = await newCoe({
      source: flags.incident !== undefined ? (await import('../coe/incident-source.js')).incidentSource : (await import('../coe/run-source.js')).runSource,
      reference: flags.incident ?? flags.run!,
      // A mistyped run id must not create a store as a side effect.
      context: { store: async () => (location.engine === 'sqlite' && !existsSync(location.path) ? undefined : open()), storeLocation: describeLocation(location) },
      registerIn: open,
      out: flags.out,
      force: flags.force,
      cwd: process.cwd(),
    });
    const shown = relative(process.cwd(), drafted.file) || drafted.file;
    const { facts } = drafted;
    const run = facts.runs[0];
    const toWrite = checkCoeFile(drafted.file).filter((f) => f.severity === 'error');
    process.stdout.write(
      [
        facts.subject.kind === 'incident'
          ? `drafted ${shown} from incident ${facts.subject.id} "${facts.subject.title}" (${facts.severity}, ${facts.timeline.length} timeline entries)`
          : `drafted ${shown} from run ${run.id} "${run.title}" (${run.verdict.toUpperCase()}, exit ${run.exitCode})`,
        ...drafted.charts.map((chart) => `  chart ${relative(process.cwd(), chart) || chart}`),
        `registered as COE ${drafted.registered.registration.id} in ${describeLocation(location)}`,
        `still to write by people: ${toWrite.length} finding${toWrite.length === 1 ? '' : 's'} — \`gameday coe check ${shown}\` lists them`,
        '',
      ].join('\n'),
    );
    return ExitCode.held;
  } catch (error) {
    if (!(error instanceof CoeSourceError) && !(error instanceof CoeOutputError)) throw error;
    if (error.message) process.stderr.write(`gameday coe new: ${error.message}\nnothing was written.\n`);
    return ExitCode.invalid;
  } finally {
    await (store as Store | undefined)?.close();
  }
}
