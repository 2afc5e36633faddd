// One run for `npm run bench -- store` (a child process, pinned by the benchmark): `gameday run`'s engine
// on an experiment file, with the store given (its journal events go to the store as they happen) or
// "off" (no store: journal.json only). Prints the load's summary as JSON.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadExperimentFile } from '../src/experiment/load-file.js';
import { runExperiment } from '../src/experiment/run.js';
import type { LoadSummary } from '../src/load/types.js';
import { runLoad } from '../src/load/run-load.js';
import { createLogger } from '../src/observe/log.js';
import { openStore } from '../src/store/database.js';

const [, , file, store] = process.argv;
const loaded = await loadExperimentFile(file);
const db = store === 'off' ? undefined : await openStore(store);
const out = mkdtempSync(join(tmpdir(), 'gameday-bench-store-run-'));
let summary: LoadSummary | undefined;
try {
  const outcome = await runExperiment({
    loaded,
    runLoad: async (options, onSample) => (summary = await runLoad(options, onSample)),
    log: createLogger('bench', 'silent'),
    store: db,
    outDir: out,
  });
  process.stdout.write(
    `${JSON.stringify({ exitCode: outcome.exitCode, events: outcome.journal?.events.length ?? 0, achievedRate: summary!.achievedRate, targetRate: summary!.targetRate, requests: summary!.requests, ok: summary!.ok, dropped: summary!.dropped })}\n`,
  );
} finally {
  await db?.close();
  rmSync(out, { recursive: true, force: true });
}
