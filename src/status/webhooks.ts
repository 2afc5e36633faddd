import { createHash, createHmac } from 'node:crypto';
import { gamedayVersion } from '../store/migrations.js';
import type { Logger } from '../observe/log.js';
import type { Store } from '../store/engine.js';
import type { Webhook } from './config.js';
import { changeOf, type ChangeRow, type StatusChange } from './facts.js';
import { STATUS_WORDS } from './status.js';
import { apiStatus, PAGE_ID } from './statuspage.js';

// Webhooks on every change of status. A change and its deliveries are written in one transaction
// (facts.ts), so each change is sent once per webhook and never for no change; the one control room that
// holds the monitors delivers, and a room that takes over goes on where the other stopped. Deliveries to a
// webhook go in the order of the changes; one that fails is retried with exponential backoff (1 s, 2 s,
// 4 s … at most MAX_BACKOFF_MS) up to MAX_ATTEMPTS times, each attempt recorded in the store.
//
// Each POST carries `X-GameDay-Signature-256: sha256=<hex HMAC-SHA256 of the raw body with the secret>`,
// `X-GameDay-Delivery` (the same on every retry of one delivery) and `X-GameDay-Event: component.status`.

export const SIGNATURE_HEADER = 'x-gameday-signature-256';
export const MAX_ATTEMPTS = 10;
const MAX_BACKOFF_MS = 5 * 60_000;
const TIMEOUT_MS = 5000;

export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export function deliveryId(changeSeq: number, url: string): string {
  return `${changeSeq}-${createHash('sha256').update(url).digest('hex').slice(0, 12)}`;
}

/** The body: Statuspage's component-update webhook shape, with what was measured beside it. */
export function webhookBody(change: StatusChange, componentName: string, pageName: string, pageUrl: string): string {
  return JSON.stringify({
    meta: { unsubscribe: null, documentation: 'docs/status.md#webhooks', generated_at: new Date().toISOString() },
    page: { id: PAGE_ID, name: pageName, url: pageUrl },
    component_update: {
      id: `change-${change.seq}`,
      created_at: change.at,
      component_id: change.component,
      old_status: change.from ? apiStatus(change.from) : null,
      new_status: apiStatus(change.to),
    },
    component: { id: change.component, name: componentName, status: apiStatus(change.to), gameday_status: change.to },
    gameday: { change_seq: change.seq, from: change.from, to: change.to, words: STATUS_WORDS[change.to], source: change.source, sli: change.sli, at: change.at },
  });
}

interface DueRow extends ChangeRow {
  attempts: number;
  next_at_ms: number;
}

export interface WebhookContext {
  webhooks: readonly Webhook[];
  componentName(id: string): string;
  pageName: string;
  pageUrl(): string;
}

export class WebhookDeliverer {
  private busy = false;

  constructor(
    private readonly store: Store,
    private readonly context: WebhookContext,
    private readonly log: Logger,
  ) {}

  /** Sends what is due: per webhook, its oldest undelivered change, if its time has come. */
  async deliverDue(nowMs = Date.now()): Promise<number> {
    if (this.busy || this.context.webhooks.length === 0) return 0;
    this.busy = true;
    let sent = 0;
    try {
      for (const webhook of this.context.webhooks) {
        const row = await this.store.get<DueRow>(
          `SELECT d.attempts, d.next_at_ms, c.seq, c.component, c.from_status, c.to_status, c.at_ms, c.at, c.source, c.sli
           FROM status_deliveries d JOIN status_changes c ON c.seq = d.change_seq
           WHERE d.webhook = ? AND d.delivered_at IS NULL AND d.attempts < ? ORDER BY d.change_seq LIMIT 1`,
          [webhook.url, MAX_ATTEMPTS],
        );
        if (!row || Number(row.next_at_ms) > nowMs) continue;
        if (await this.attempt(webhook, row)) sent++;
      }
    } finally {
      this.busy = false;
    }
    return sent;
  }

  private async attempt(webhook: Webhook, row: DueRow): Promise<boolean> {
    const change = changeOf(row);
    const body = webhookBody(change, this.context.componentName(change.component), this.context.pageName, this.context.pageUrl());
    let error: string | undefined;
    try {
      const response = await fetch(webhook.url, {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/json',
          'user-agent': `gameday/${gamedayVersion}`,
          [SIGNATURE_HEADER]: signature(webhook.secret, body),
          'x-gameday-delivery': deliveryId(change.seq, webhook.url),
          'x-gameday-event': 'component.status',
        },
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      await response.arrayBuffer();
      if (response.status < 200 || response.status >= 300) error = `answered ${response.status}`;
    } catch (caught) {
      error = ((caught as Error).cause as Error | undefined)?.message ?? (caught as Error).message;
    }
    const attempts = Number(row.attempts) + 1;
    if (!error) {
      await this.store.run('UPDATE status_deliveries SET attempts = ?, delivered_at = ?, last_error = NULL WHERE change_seq = ? AND webhook = ?', [attempts, new Date().toISOString(), change.seq, webhook.url]);
      return true;
    }
    const backoff = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (attempts - 1));
    await this.store.run('UPDATE status_deliveries SET attempts = ?, next_at_ms = ?, last_error = ? WHERE change_seq = ? AND webhook = ?', [attempts, Date.now() + backoff, error.slice(0, 300), change.seq, webhook.url]);
    const giveUp = attempts >= MAX_ATTEMPTS;
    this.log[giveUp ? 'error' : 'warn']({ webhook: webhook.url, change: change.seq, attempts }, `webhook ${webhook.url}: ${error}; ${giveUp ? `gave up after ${attempts} attempts` : `retrying in ${backoff / 1000}s`}`);
    return false;
  }
}
