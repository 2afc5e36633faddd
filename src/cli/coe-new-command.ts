// `gameday coe new --run <run> [--out file.md] [--force]`: drafts a COE from a run's journal — measured impact,
// timeline, metrics and charts, what was involved — marks what only people can write, writes it with its
// charts beside it, and registers it in the store. Exit 3, with nothing written, when the run is unknown or
// a file is in the way (without --force).
import type { Command } from 'commander';
import { ExitCode } from './command.js';
import { describeLocation, openStoreFor, storeOption } from './store-option.js';
import { storeLocation } from '../store/database.js';
import type { Store } from '../store/engine.js';
import { existsSync } from 'node:fs';
import { relative } from 'node:path';

interface NewFlags {
  run: string;
  out?: string;
  force?: boolean;
  store?: string;
}

export function registerCoeNew(coe: Command): void {
  storeOption(
    coe
      .command('new')
      .description('Draft a COE from a run: measured impact, timeline, charts; what people must write is marked')
      .requiredOption('--run <run>', 'a run id from `gameday runs`, a run folder, or a journal.json')
      .option('--out <file.md>', 'where to write the COE (when not given: coe-<run id>.md in the current folder); its charts go beside it')
      .option('--force', 'overwrite the COE and its charts if they are already there'),
  ).action(async (flags: NewFlags) => {
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
      source: (await import('../coe/run-source.js')).runSource,
      reference: flags.run,
      // A mistyped run id must not create a store as a side effect.
      context: { store: async () => (location.engine === 'sqlite' && !existsSync(location.path) ? undefined : open()), storeLocation: describeLocation(location) },
      registerIn: open,
      out: flags.out,
      force: flags.force,
      cwd: process.cwd(),
    });
    const shown = relative(process.cwd(), drafted.file) || drafted.file;
    const run = drafted.facts.runs[0];
    const toWrite = checkCoeFile(drafted.file).filter((f) => f.severity === 'error');
    process.stdout.write(
      [
        `drafted ${shown} from run ${run.id} "${run.title}" (${run.verdict.toUpperCase()}, exit ${run.exitCode})`,
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
