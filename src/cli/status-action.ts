import { resolve } from 'node:path';
import { DeclarationRefusedError, NoStatusPageError, StatusReader, UnknownComponentError, staticFiles, writeStaticFiles } from '../status/reader.js';
import { STATUS_WORDS, type DeclarableStatus } from '../status/status.js';
import { componentsJson } from '../status/statuspage.js';
import { statusFeed } from '../incidents/status-feed.js';
import { ExitCode } from './command.js';
import { withStore } from './store-option.js';


// The actions of `gameday status …`, loaded when one runs (the verbs' definitions are in status-command.ts).

const DECLARABLE = ['degraded_performance', 'partial_outage', 'major_outage', 'operational'];

export async function showStatus(flags: { json?: boolean; store?: string }): Promise<void> {
  await withStore('status', flags.store, async (store) => {
    const view = await readOrSay(() => new StatusReader(store!, statusFeed(store!, () => '')).view());
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
}

export async function exportStatus(dir: string, flags: { store?: string }, parentStore: string | undefined): Promise<void> {
  await withStore('status export', flags.store ?? parentStore, async (store) => {
    const view = await readOrSay(() => new StatusReader(store!, statusFeed(store!, () => '')).view({ history: true }));
    if (!view) return;
    const files = staticFiles(view, view.page.url ?? '.');
    writeStaticFiles(resolve(dir), files);
    process.stdout.write(`wrote ${Object.keys(files).length} files to ${resolve(dir)} (index.html, api/v2/*.json, history.atom, history.rss); computed at ${view.computedAt}\n`);
  });
}

export async function declareStatus(component: string, declared: string | undefined, flags: { message: string; by: string; store?: string }, parentStore: string | undefined): Promise<void> {
  if (declared !== undefined && !DECLARABLE.includes(declared)) {
    process.stderr.write(`gameday status declare: status must be one of ${DECLARABLE.join(', ')}, got "${declared}"\n`);
    process.exitCode = ExitCode.invalid;
    return;
  }
  await withStore('status declare', flags.store ?? parentStore, async (store) => {
    await readOrSay(async () => {
      const declaration = await new StatusReader(store!).declare({ component, status: (declared as DeclarableStatus | undefined) ?? null, message: flags.message, author: flags.by });
      process.stdout.write(`${component}: ${declaration.status ? `declared ${STATUS_WORDS[declaration.status].toLowerCase()}` : 'note added'} by ${declaration.author} at ${declaration.at}\n`);
      return declaration;
    });
  });
}

export async function clearStatus(component: string, flags: { by: string; message: string; store?: string }, parentStore: string | undefined): Promise<void> {
  await withStore('status clear', flags.store ?? parentStore, async (store) => {
    await readOrSay(async () => {
      await new StatusReader(store!).clear({ component, message: flags.message, author: flags.by });
      process.stdout.write(`${component}: declaration cleared by ${flags.by}\n`);
      return true;
    });
  });
}

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
