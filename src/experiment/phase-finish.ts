import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type { Journal } from '../journal/format.js';
import type { RunContext } from './run-context.js';
import type { VerdictOutcome } from './verdict.js';

const require = createRequire(import.meta.url);

/** Breach (abort) to the moment the last fault came off, from the journal's own timestamps. */
export function revertDurationMs(run: RunContext): number | null {
  if (!run.abortReason) return null;
  const reverted = run.journal.events.filter((e) => e.type === 'fault.reverted' && e.atMs >= run.abortReason!.atMs);
  if (reverted.length === 0) return 0;
  return Math.max(...reverted.map((e) => e.atMs)) - run.abortReason.atMs;
}

// The run's record: journal.json in the run folder, the reports rendered from it, and a row in the store.
// `extend` adds what a kind of run records beside the common fields (a Chaos Toolkit run: its own verdict).
export async function writeRunRecord(
  run: RunContext,
  outcome: VerdictOutcome,
  finishing: { extend?: (journal: Journal) => Journal } = {},
): Promise<{ journal: Journal; reports: string[] }> {
  run.journal.note('verdict', `${outcome.verdict}: ${outcome.reason}`, { verdict: outcome.verdict, exitCode: outcome.exitCode });
  const finished = run.journal.finish({
    gamedayVersion: run.options.gamedayVersion ?? (require('../../../package.json') as { version: string }).version,
    runId: run.runId,
    experiment: { title: run.experiment.title, description: run.experiment.description, file: run.options.loaded.file },
    verdict: outcome.verdict,
    verdictReason: outcome.reason,
    exitCode: outcome.exitCode,
    blastRadius: run.blastRadius,
  });
  const journal = finishing.extend ? finishing.extend(finished) : finished;
  await mkdir(run.folder, { recursive: true });
  await writeFile(join(run.folder, 'journal.json'), JSON.stringify(journal, null, 2));
  const reports: string[] = [];
  if (run.options.writeReports) {
    try {
      const written = await run.options.writeReports(journal, run.folder);
      reports.push(written.html, written.md);
    } catch (error) {
      run.options.log.error({ err: error }, 'writing the reports failed; journal.json is complete');
    }
  }
  await run.recordEnd(journal);
  return { journal, reports };
}
