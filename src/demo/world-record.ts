import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JournalEvent, JournalEventData, RunPhase } from '../journal/events.js';
import type { Journal } from '../journal/format.js';
import { describePages, pagesBetween, type PageCounts, type PageTally } from './page-tally.js';

// What the demo world saw during a run, joined to the run's journal before the reports are rendered: per
// step (and per steady-state phase) the requests the loads sent and failed, and the pages the assemblers
// served full, degraded or failed (HTTP 200 hides degradation from the load generator). Each becomes a
// `world.pages` event at the end of its segment, so the report's timeline shows it beside the step, and
// one `world` event names every process the world ran, so anyone can check none is left.

interface Segment {
  kind: 'step' | 'phase';
  label: string;
  path?: string;
  startMs: number;
  endMs?: number;
  from: Promise<PageCounts>;
  to?: Promise<PageCounts>;
}

export interface SegmentSummary {
  kind: 'step' | 'phase';
  label: string;
  startMs: number;
  endMs: number;
  requests: number;
  failedRequests: number;
  pages: PageCounts;
}

/** The phases worth a tally of their own; the method is tallied step by step. */
const PHASES: ReadonlySet<RunPhase> = new Set<RunPhase>(['steady state before', 'steady state after']);
const TOP_LEVEL_STEP = /^method\[\d+\]$/;

export class WorldRecord {
  private readonly segments: Segment[] = [];
  private readonly open = new Map<string, Segment>();

  constructor(private readonly tally: PageTally) {}

  /** Feed every journal event here (RunOptions.onEvent). */
  observe(event: JournalEvent): void {
    let key: string;
    let kind: Segment['kind'];
    let path: string | undefined;
    switch (event.type) {
      case 'step.start':
      case 'step.end':
        if (!TOP_LEVEL_STEP.test(event.data.path)) return;
        path = event.data.path;
        key = `step ${path}`;
        kind = 'step';
        break;
      case 'phase.start':
      case 'phase.end':
        if (!PHASES.has(event.data.phase)) return;
        key = `phase ${event.data.phase}`;
        kind = 'phase';
        break;
      default:
        return;
    }
    if (event.type === 'step.start' || event.type === 'phase.start') {
      const segment: Segment = { kind, label: event.message, path, startMs: event.atMs, from: this.tally.read() };
      this.segments.push(segment);
      this.open.set(key, segment);
    } else {
      const segment = this.open.get(key);
      if (!segment) return;
      segment.endMs = event.atMs;
      segment.to = this.tally.read();
      this.open.delete(key);
    }
  }

  async summaries(journal: Journal): Promise<SegmentSummary[]> {
    const summaries: SegmentSummary[] = [];
    for (const segment of this.segments) {
      if (segment.endMs === undefined || !segment.to) continue;
      const [from, to] = await Promise.all([segment.from, segment.to]).catch(() => [undefined, undefined]);
      if (!from || !to) continue;
      const inside = journal.samples.filter((s) => s.atMs > segment.startMs && s.atMs <= segment.endMs!);
      summaries.push({
        kind: segment.kind,
        label: segment.label,
        startMs: segment.startMs,
        endMs: segment.endMs,
        requests: inside.reduce((sum, s) => sum + s.ok + s.errors + s.dropped, 0),
        failedRequests: inside.reduce((sum, s) => sum + s.errors + s.dropped, 0),
        pages: pagesBetween(from, to),
      });
    }
    return summaries;
  }

  /**
   * Adds the world's events to the journal and writes journal.json again: the reports (rendered next) and
   * the store (written last) see the same record.
   */
  async joinJournal(journal: Journal, folder: string, world: JournalEventData<'world'>): Promise<SegmentSummary[]> {
    const summaries = await this.summaries(journal);
    const at = (atMs: number) => new Date(Date.parse(journal.startedAt) + atMs).toISOString();
    journal.events.push({
      atMs: 0,
      at: journal.startedAt,
      type: 'world',
      message: `demo world: ${world.pids.length} processes (demo, fault proxy, service instances, restarts included)${world.naiveAssembler ? ', naive assembler (no timeouts, no circuit breakers)' : ''}`,
      data: world,
    });
    for (const summary of summaries) {
      journal.events.push({
        atMs: summary.endMs,
        at: at(summary.endMs),
        type: 'world.pages',
        message: `${summary.label}: ${summary.requests} requests, ${summary.failedRequests} failed; ${describePages(summary.pages)}`,
        data: { ...summary },
      });
    }
    journal.events.sort((a, b) => a.atMs - b.atMs);
    await writeFile(join(folder, 'journal.json'), JSON.stringify(journal, null, 2));
    return summaries;
  }
}
