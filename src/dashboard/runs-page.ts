import { escapeHtml, formatSpan } from '../report/format.js';
import type { Store } from '../store/engine.js';
import { RunStore, type RunRecord } from '../store/runs.js';
import { elapsed, runStatus, table, when } from './views.js';

// The run list (/): live runs first, then past ones, from the store — whichever process ran them, a
// `gameday run` in another terminal or the demo. Its live stream sends the list again when a run starts,
// moves to another phase or ends.

export interface RunListModel {
  runs: RunRecord[];
  /** The current phase of each live run. */
  phases: ReadonlyMap<string, string>;
  nowMs: number;
}

const LIST_LENGTH = 50;

export async function runListModel(store: Store): Promise<RunListModel> {
  const runs = await new RunStore(store).recent(LIST_LENGTH);
  const phases = new Map<string, string>();
  for (const run of runs.filter((r) => !r.endedAt)) {
    const row = await store.get<{ message: string }>(`SELECT message FROM journal_events WHERE run_id = ? AND type = 'phase.start' ORDER BY seq DESC LIMIT 1`, [run.id]);
    phases.set(run.id, row?.message ?? 'starting');
  }
  return { runs, phases, nowMs: Date.now() };
}

export function renderRunList(model: RunListModel): string {
  const live = model.runs.filter((run) => !run.endedAt);
  const past = model.runs.filter((run) => run.endedAt);
  const link = (run: RunRecord) => `<a href="/runs/${encodeURIComponent(run.id)}">${escapeHtml(run.title)}</a><div class="data mono">${escapeHtml(run.id)}</div>`;
  const liveRows = live.map(
    (run) =>
      `<tr data-run="${escapeHtml(run.id)}"><td>${link(run)}</td><td>${runStatus(run)}</td><td class="nowrap">${escapeHtml(model.phases.get(run.id) ?? 'starting')}</td><td>${when(run.startedAt)}</td><td class="num">${elapsed(Date.parse(run.startedAt), model.nowMs)}</td></tr>`,
  );
  const pastRows = past.map(
    (run) =>
      `<tr data-run="${escapeHtml(run.id)}"><td>${link(run)}</td><td>${runStatus(run)}</td><td>${when(run.startedAt)}</td><td class="num">${escapeHtml(formatSpan(Date.parse(run.endedAt!) - Date.parse(run.startedAt)))}</td><td><a href="/runs/${encodeURIComponent(run.id)}/report">report</a></td></tr>`,
  );
  return [
    `<h2 id="live-title">Live runs (${live.length})</h2>`,
    table(['Run', 'Status', 'Phase', 'Started', 'Running for'], liveRows, 'No run is going on. Start one with gameday run <experiment> or gameday demo --keep; it appears here by itself.', [4]),
    `<h2 id="past-title" class="spaced">Past runs</h2>`,
    table(['Run', 'Verdict', 'Started', 'Duration', 'Report'], pastRows, 'No run has ended yet.', [3]),
  ].join('');
}
