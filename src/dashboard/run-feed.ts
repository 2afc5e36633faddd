import type { SliSample } from '../journal/format.js';
import type { LeverBoard } from '../levers/lever-board.js';
import type { Store } from '../store/engine.js';
import { JournalEventStore } from '../store/journal-events.js';
import { RunSampleStore } from '../store/run-samples.js';
import { RunStore, type RunRecord } from '../store/runs.js';
import { fragmentSender, type EventStream } from '../web/sse.js';
import { journalRow, LIVE_FRAGMENTS, renderFragment, type RunPageModel } from './run-page.js';
import { emptyRunState, foldEvent } from './run-state.js';

// The live view's event stream: it folds the run's journal from the store (a page opened mid-run catches
// up from the first event), sends the journal rows the page does not have yet, the SLI samples for its
// charts, and the page's fragments again whenever what they show changed. It follows the store, not the
// run, so a run started in another terminal streams the same as one in this process. When the run has
// recorded its end and everything is sent, it says `end` and closes.

/** What the page's charts get: one sample, compact. */
export interface ChartPoint {
  /** Series (load or probe). */
  l: string;
  /** Run time, seconds. */
  t: number;
  r: number;
  e: number;
  p50: number;
  p99: number;
}

export async function streamRun(store: Store, board: LeverBoard | undefined, runId: string, pageSeq: number, stream: EventStream): Promise<void> {
  const runs = new RunStore(store);
  const samples = new RunSampleStore(store);
  let run = (await runs.get(runId)) as RunRecord;
  const model: RunPageModel = { run, state: emptyRunState(), checks: undefined, latest: new Map(), levers: board ? await board.list() : null, nowMs: Date.now() };
  const send = fragmentSender(stream);
  const render = (...ids: (typeof LIVE_FRAGMENTS)[number][]) => {
    model.nowMs = Date.now();
    for (const id of ids) send(id, renderFragment(id, model));
  };
  const stopLevers = board?.subscribe(() => {
    void board.list().then((levers) => {
      model.levers = levers;
      render('levers');
    });
  });
  const signal = stream.signal;
  try {
    const journal = (async () => {
      for await (const page of new JournalEventStore(store).follow(runId, { signal })) {
        for (const event of page) foldEvent(model.state, event);
        const fresh = page.filter((event) => event.seq > pageSeq).reverse();
        if (fresh.length > 0) stream.send('journal', { seq: fresh[0].seq, html: fresh.map(journalRow).join('') });
        model.run = run = (await runs.get(runId)) ?? run;
        render('run-now', 'faults', 'checks', 'levers');
      }
    })();
    const slis = (async () => {
      let checksSeq = 0;
      let any = false;
      for await (const page of samples.follow(runId, { signal })) {
        any = true;
        sendSamples(stream, page, model.latest as Map<string, SliSample>);
        const checks = await samples.latestChecks(runId);
        if (checks && checks.seq !== checksSeq) {
          checksSeq = checks.seq;
          model.checks = checks;
          render('checks');
        }
        render('slis');
      }
      // A run recorded before samples were published live: its journal has them.
      if (!any && !signal.aborted) {
        const recorded = (await runs.journal(runId)) as { samples?: SliSample[] } | undefined;
        if (recorded?.samples?.length) sendSamples(stream, recorded.samples, model.latest as Map<string, SliSample>);
        render('slis');
      }
    })();
    await Promise.all([journal, slis]);
    if (signal.aborted) return;
    model.run = (await runs.get(runId)) ?? run;
    render(...LIVE_FRAGMENTS);
    stream.send('end', { runId, verdict: model.run.verdict, status: model.run.status });
  } finally {
    stopLevers?.();
    stream.end();
  }
}

function sendSamples(stream: EventStream, page: readonly SliSample[], latest: Map<string, SliSample>): void {
  for (const sample of page) latest.set(sample.load, sample);
  const round = (value: number) => (Number.isFinite(value) ? Number(value.toPrecision(5)) : 0);
  const points: ChartPoint[] = page.map((s) => ({ l: s.load, t: round(s.atMs / 1000), r: round(s.rate), e: round(s.errorRate), p50: round(s.p50), p99: round(s.p99) }));
  stream.send('samples', points);
}
