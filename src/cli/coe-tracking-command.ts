// `gameday coe add <file.md>`: register a COE (or re-read one that changed) so its action items are tracked.
// `gameday coe actions [--owner x] [--overdue] [--all] [--json]`: open and overdue items across every COE.
// `gameday coe show <file|id> [--html] [--out file]`: one COE with its items and what the check says.
// A file that cannot be read or whose front matter is malformed, or a COE the store does not have: exit 3.
import { existsSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { Command } from 'commander';
import type { TrackedItem } from '../coe/tracking.js';
import { ExitCode } from './command.js';
import { storeOption } from './shared-options.js';
import { describeLocation } from '../store/location.js';
import { withStore } from './store-option.js';

export function registerCoeTracking(coe: Command): void {
  storeOption(
    coe
      .command('add')
      .description("Register a COE file in the store (again after editing it) so its action items are tracked")
      .argument('<file>', 'a COE: Markdown with `kind: coe` front matter'),
  ).action(async (file: string, flags: { store?: string }) => {
    await fileErrorsExit3(() =>
      withStore('coe add', flags.store, async (store) => {
        const { registerCoeFile } = await import('../coe/register.js');
        const { registration, copy, warnings } = await registerCoeFile(store!, file, 'gameday coe add');
        const said = { new: 'registered', changed: 'registered a new version of', unchanged: 'already registered, unchanged:' }[registration.outcome];
        const verified = copy.items.filter((item) => item.experiment).length;
        for (const warning of warnings) process.stderr.write(`gameday coe add: ${warning}\n`);
        process.stdout.write(`${said} ${file} as COE ${registration.id}: ${copy.items.length} action item${copy.items.length === 1 ? '' : 's'}, ${verified} verified by an experiment\n`);
      }),
    );
  });

  storeOption(
    coe
      .command('actions')
      .description('List open action items across every registered COE, by owner (overdue ones marked)')
      .option('--owner <name>', 'only the items of this owner (a person or a team)')
      .option('--overdue', 'only open items past their due date')
      .option('--all', 'closed items too (done, wont-do, verified)')
      .option('--json', 'print the items as JSON'),
  ).action(async (flags: { owner?: string; overdue?: boolean; all?: boolean; json?: boolean; store?: string }) => {
    await withStore(
      'coe actions',
      flags.store,
      async (store, location) => {
        const { trackedItems } = await import('../coe/tracking.js');
        const items = store ? await trackedItems(store, { owner: flags.owner, overdue: flags.overdue, all: flags.all }) : [];
        if (flags.json) return void process.stdout.write(`${JSON.stringify(items, null, 2)}\n`);
        process.stdout.write(await formatItems(items, store !== undefined, describeLocation(location), flags));
      },
      { ifExists: true },
    );
  });

  storeOption(
    coe
      .command('show')
      .description('Show a COE with its action items and its check findings; --html renders it as one self-contained page')
      .argument('<coe>', 'a COE file, or the id of a registered COE (`gameday coe actions` shows them)')
      .option('--html', 'render HTML (Markdown rendered safely, charts inlined) instead of a summary')
      .option('--out <file>', 'write to this file instead of standard output'),
  ).action(async (coe: string, flags: { html?: boolean; out?: string; store?: string }) => {
    await fileErrorsExit3(() =>
      withStore(
        'coe show',
        flags.store,
        async (store, location) => {
          const { coeViewOfFile, coeViewOfStored } = await import('../coe/view.js');
          const { CoeFileError } = await import('../coe/front-matter-file.js');
          const view = existsSync(coe) ? await coeViewOfFile(coe, store) : store ? await coeViewOfStored(store, coe) : undefined;
          if (!view) throw new CoeFileError([{ file: coe, line: 0, column: 0, path: '', message: `no COE file or registered COE "${coe}" (store: ${describeLocation(location)})` }]);
          const { renderCoeDocument } = await import('../coe/render.js');
          const output = flags.html ? renderCoeDocument(view) : await formatView(view);
          if (flags.out) {
            writeFileSync(flags.out, output);
            process.stdout.write(`wrote ${flags.out}\n`);
          } else process.stdout.write(output);
        },
        { ifExists: true },
      ),
    );
  });
}

/** A file that cannot be read, a malformed front matter, an unknown COE: said, exit 3, nothing written. */
async function fileErrorsExit3(work: () => Promise<unknown>): Promise<void> {
  const { CoeFileError } = await import('../coe/front-matter-file.js');
  try {
    await work();
  } catch (error) {
    if (!(error instanceof CoeFileError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exitCode = ExitCode.invalid;
  }
}

async function formatItems(items: TrackedItem[], hasStore: boolean, where: string, flags: { owner?: string; overdue?: boolean; all?: boolean }): Promise<string> {
  const { describeState } = await import('../coe/tracking.js');
  if (!hasStore || items.length === 0) {
    const which = [flags.overdue ? 'overdue' : flags.all ? '' : 'open', 'action items', flags.owner ? `of ${flags.owner}` : ''].filter(Boolean).join(' ');
    return `no ${which} (store: ${where}); \`gameday coe add <file.md>\` registers a COE\n`;
  }
  const lines: string[] = [];
  let owner: string | undefined | null = null;
  for (const item of items) {
    if (item.owner !== owner) {
      owner = item.owner;
      lines.push(`${lines.length > 0 ? '\n' : ''}${owner ?? '(no owner)'}`);
    }
    lines.push(`  ${item.coeId} ${item.id}  ${item.due ?? 'no due date'}  ${item.state}${item.overdue ? ' OVERDUE' : ''}  ${item.action}`);
    if (item.experiment) lines.push(`      experiment ${item.experiment}${item.lastFact ? `; ${describeState(item)}` : ''}`);
  }
  const open = items.filter((item) => item.open).length;
  const overdue = items.filter((item) => item.overdue).length;
  const coes = new Set(items.map((item) => item.coeId)).size;
  lines.push('', `${open} open action item${open === 1 ? '' : 's'} (${overdue} overdue) of ${items.length} listed, across ${coes} COE${coes === 1 ? '' : 's'}`);
  return `${lines.join('\n')}\n`;
}

async function formatView(view: import('../coe/render.js').CoeView): Promise<string> {
  const fm = view.frontMatter;
  const lines = [`${fm?.title ?? view.label}  (${view.label})`];
  if (fm) lines.push(`status ${fm.status}${fm.severity ? `, ${fm.severity}` : ''}${fm.runs ? `, runs ${fm.runs.join(', ')}` : ''}${fm.incident ? `, incident ${fm.incident}` : ''}`);
  if (view.items) {
    const { describeState } = await import('../coe/tracking.js');
    lines.push('', 'action items:', ...view.items.map((item) => `  ${item.id}  ${item.owner ?? '(no owner)'}  ${item.due ?? 'no due date'}  ${describeState(item)}  ${item.action}`));
  } else if (fm) {
    lines.push('', `not registered in the store: \`gameday coe add ${relative(process.cwd(), view.label) || view.label}\` tracks its action items`);
  }
  const errors = view.findings.filter((f) => f.severity === 'error').length;
  lines.push('', `check: ${errors} error${errors === 1 ? '' : 's'}, ${view.findings.length - errors} other finding${view.findings.length - errors === 1 ? '' : 's'}`);
  for (const f of view.findings) lines.push(`  ${f.line}:${f.column}  ${f.severity.padEnd(7)}  ${f.rule}  ${f.message}`);
  return `${lines.join('\n')}\n`;
}
