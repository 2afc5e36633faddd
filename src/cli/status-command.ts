import { resolve } from 'node:path';
import type { Command } from 'commander';
import { DeclarationRefusedError, NoStatusPageError, StatusReader, UnknownComponentError, staticFiles, writeStaticFiles } from '../status/reader.js';
import { STATUS_WORDS, type DeclarableStatus } from '../status/status.js';
import { componentsJson } from '../status/statuspage.js';
import { ExitCode, type CommandRegistration } from './command.js';
import { storeOption, withStore } from './store-option.js';

// `gameday status`: the status page from the command line, read from the store — the same computation
// every control room serves, so it works while no control room runs (and then says "no data", which is
// true). `export` writes the page as static files; `declare` and `clear` are what a person may add.

const DECLARABLE = ['degraded_performance', 'partial_outage', 'major_outage', 'operational'];

export const registerStatusCommand: CommandRegistration = (program: Command) => {
  const status = storeOption(
    program
      .command('status')
      .description('Print the current status of every component and the SLIs behind it, computed from the store (where the control room keeps its samples)')
      .option('--json', 'print the components as /api/v2/components.json does'),
  ).action(async (flags: { json?: boolean; store?: string }) => {
    await withStore('status', flags.store, async (store) => {
      const view = await readOrSay(() => new StatusReader(store!).view());
      if (!view) return;
      if (flags.json) return void process.stdout.write(`${JSON.stringify(componentsJson(view, ''), null, 2)}\n`);
      process.stdout.write(`${view.page.name}: ${STATUS_WORDS[view.overall]} (computed at ${view.computedAt} from ${view.source.file})\n`);
      const width = Math.max(...view.components.map((c) => c.name.length));
      for (const c of view.components) {
        process.stdout.write(`  ${c.name.padEnd(width)}  ${STATUS_WORDS[c.status].padEnd(20)}${c.drillRuns.length > 0 ? ` drill: run ${c.drillRuns.join(', ')}` : ''}\n`);
        for (const reading of c.readings) process.stdout.write(`  ${''.padEnd(width)}    ${reading.text} (${reading.source})\n`);
        if (c.declaration) process.stdout.write(`  ${''.padEnd(width)}    ${c.declaration.status ? `declared ${STATUS_WORDS[c.declaration.status].toLowerCase()}` : 'note'} by ${c.declaration.author}: ${c.declaration.message}\n`);
      }
    });
  });

  storeOption(status.command('export').description('Write the status page, its JSON and feeds as static files into a folder').argument('<dir>', 'the folder (created if needed)')).action(
    async (dir: string, flags: { store?: string }) => {
      await withStore('status export', flags.store ?? status.opts<{ store?: string }>().store, async (store) => {
        const view = await readOrSay(() => new StatusReader(store!).view({ history: true }));
        if (!view) return;
        const files = staticFiles(view, view.page.url ?? '.');
        writeStaticFiles(resolve(dir), files);
        process.stdout.write(`wrote ${Object.keys(files).length} files to ${resolve(dir)} (index.html, api/v2/*.json, history.atom, history.rss); computed at ${view.computedAt}\n`);
      });
    },
  );

  storeOption(
    status
      .command('declare')
      .description('Declare a component worse than measured (or add words), as a person; refused if it would show it better than its SLIs')
      .argument('<component>', 'the component id')
      .argument('[status]', `degraded_performance, partial_outage or major_outage (none: words only)`)
      .requiredOption('--message <text>', 'what people should know')
      .requiredOption('--by <name>', 'who declares it'),
  ).action(async (component: string, declared: string | undefined, flags: { message: string; by: string; store?: string }) => {
    if (declared !== undefined && !DECLARABLE.includes(declared)) {
      process.stderr.write(`gameday status declare: status must be one of ${DECLARABLE.join(', ')}, got "${declared}"\n`);
      process.exitCode = ExitCode.invalid;
      return;
    }
    await withStore('status declare', flags.store ?? status.opts<{ store?: string }>().store, async (store) => {
      await readOrSay(async () => {
        const declaration = await new StatusReader(store!).declare({ component, status: (declared as DeclarableStatus | undefined) ?? null, message: flags.message, author: flags.by });
        process.stdout.write(`${component}: ${declaration.status ? `declared ${STATUS_WORDS[declaration.status].toLowerCase()}` : 'note added'} by ${declaration.author} at ${declaration.at}\n`);
        return declaration;
      });
    });
  });

  storeOption(
    status.command('clear').description("Clear a component's declaration: it shows what is measured again").argument('<component>', 'the component id').requiredOption('--by <name>', 'who clears it').option('--message <text>', 'why', 'cleared'),
  ).action(async (component: string, flags: { by: string; message: string; store?: string }) => {
    await withStore('status clear', flags.store ?? status.opts<{ store?: string }>().store, async (store) => {
      await readOrSay(async () => {
        await new StatusReader(store!).clear({ component, message: flags.message, author: flags.by });
        process.stdout.write(`${component}: declaration cleared by ${flags.by}\n`);
        return true;
      });
    });
  });
};

/** Runs `work`; what a user can fix (no page yet, an unknown component, a refused declaration) is one line and exit 3. */
async function readOrSay<T>(work: () => Promise<T>): Promise<T | undefined> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof NoStatusPageError || error instanceof UnknownComponentError || error instanceof DeclarationRefusedError)) throw error;
    process.stderr.write(`gameday status: ${error.message}\n`);
    process.exitCode = ExitCode.invalid;
    return undefined;
  }
}
