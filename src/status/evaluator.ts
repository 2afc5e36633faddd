import type { Logger } from '../observe/log.js';
import type { Store } from '../store/engine.js';
import { RunSampleStore } from '../store/run-samples.js';
import type { StatusConfig, Webhook } from './config.js';
import { StatusFacts, type NewStatusChange, type StatusChange } from './facts.js';
import { RAW_SAMPLES_MS, StatusHistory } from './history.js';
import { MonitorRunner } from './monitors.js';
import { readingStatus, rank, type Status } from './status.js';
import { rollUpDays } from './uptime.js';
import { readStatuses, type ComponentView } from './view.js';
import { WebhookDeliverer } from './webhooks.js';

// The work one control room of a store does for the status page (ControlRoom.hold('status-monitors')):
// measure (MonitorRunner), and every EVALUATE_MS compare each component's shown status with the last one
// recorded and append a fact for every change, deliver webhooks, and keep history bounded. A room that
// takes the work over first closes the gap: components whose last fact is not "no data" get one, dated
// when the previous holder last evaluated — nobody measured in between, and the history says so.

export const EVALUATE_MS = 250;
const HOUSEKEEPING_MS = 60_000;
/** The buckets of a run that never recorded its end (killed) are kept this long; an ended run's go at its end. */
const RUN_BUCKETS_MS = 86_400_000;
/** A holder that has not evaluated for this long is taken as gone: its gap is "no data". */
const GAP_MS = 5000;

export interface StatusWorkOptions {
  store: Store;
  config: StatusConfig;
  file: string;
  webhooks: readonly Webhook[];
  log: Logger;
  pageUrl(): string;
  /** Told of each appended change (the module's metrics; tests). */
  onChange?(change: StatusChange): void;
}

export class StatusWork {
  private readonly history: StatusHistory;
  private readonly facts: StatusFacts;
  private readonly monitors: MonitorRunner;
  private readonly deliverer: WebhookDeliverer;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private lastHousekeeping = 0;
  private stopped = false;

  constructor(private readonly options: StatusWorkOptions) {
    this.history = new StatusHistory(options.store);
    this.facts = new StatusFacts(options.store);
    this.monitors = new MonitorRunner(options.config, this.history, options.log);
    const names = new Map(options.config.components.map((c) => [c.id, c.name]));
    this.deliverer = new WebhookDeliverer(
      options.store,
      { webhooks: options.webhooks, componentName: (id) => names.get(id) ?? id, pageName: options.config.page.name, pageUrl: options.pageUrl },
      options.log,
    );
  }

  get counts(): MonitorRunner['counts'] {
    return this.monitors.counts;
  }

  /** Publishes the config, records the gap left by whoever held the work before, and starts measuring. */
  async start(): Promise<void> {
    await this.history.publish(this.options.config, this.options.file);
    await this.closeGap(Date.now());
    this.monitors.start();
    this.timer = setInterval(() => {
      if (!this.running) this.running = this.tick().finally(() => (this.running = undefined));
    }, EVALUATE_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
    await this.monitors.stop();
  }

  /** One evaluation: append the changes, say until when we evaluated, deliver, and now and then tidy up. */
  async tick(nowMs = Date.now()): Promise<void> {
    if (this.stopped) return;
    try {
      const { components, last } = await readStatuses(this.options.store, this.options.config, nowMs);
      const news: NewStatusChange[] = [];
      for (const component of components) {
        const previous = last.get(component.id);
        if (previous?.to === component.status) continue;
        news.push({ component: component.id, from: previous?.to ?? null, to: component.status, atMs: nowMs, ...causeOf(component) });
      }
      const appended = await this.facts.append(news, this.options.webhooks.map((w) => w.url));
      for (const change of appended) this.options.onChange?.(change);
      await this.history.markEvaluated(nowMs);
      await this.deliverer.deliverDue(nowMs);
      if (nowMs - this.lastHousekeeping >= HOUSEKEEPING_MS) {
        this.lastHousekeeping = nowMs;
        await this.housekeeping(nowMs);
      }
    } catch (error) {
      this.options.log.warn({ err: error }, `status evaluation failed: ${(error as Error).message}; trying again`);
    }
  }

  private async closeGap(nowMs: number): Promise<void> {
    const until = await this.history.evaluatedUntil();
    if (until === null || nowMs - until < GAP_MS) return;
    const last = await this.facts.last();
    const gap: NewStatusChange[] = [...last.values()]
      .filter((change) => change.to !== 'no_data' && change.atMs <= until)
      .map((change) => ({ component: change.component, from: change.to, to: 'no_data' as Status, atMs: until, source: 'control room (no monitors ran)', sli: null }));
    const appended = await this.facts.append(gap, this.options.webhooks.map((w) => w.url));
    for (const change of appended) this.options.onChange?.(change);
  }

  private async housekeeping(nowMs: number): Promise<void> {
    const longest = Math.max(0, ...this.options.config.components.flatMap((c) => c.slis.map((s) => s.window)));
    await this.history.prune(nowMs - Math.max(RAW_SAMPLES_MS, 2 * longest));
    await rollUpDays(this.options.store, this.options.config.components.map((c) => c.id), nowMs);
    await new RunSampleStore(this.options.store).pruneBuckets(nowMs - RUN_BUCKETS_MS);
  }
}

/** What caused a component's status: a person's declaration when it is worse than measured, else its worst SLI. */
export function causeOf(component: ComponentView): { source: string; sli: string | null } {
  if (component.declaration?.status && rank(component.declaration.status) > rank(component.measured)) {
    return { source: component.declaration.author, sli: null };
  }
  const active = component.readings.filter((r) => !r.idle);
  if (active.length === 0) return { source: 'no monitor measures it now', sli: null };
  const worstReading = [...active].sort((a, b) => rank(readingStatus(b)) - rank(readingStatus(a)))[0];
  if (component.status === 'operational') return { source: [...new Set(active.map((r) => r.source))].join(', '), sli: active.map((r) => r.text).join('; ') };
  return { source: worstReading.source, sli: worstReading.text };
}
