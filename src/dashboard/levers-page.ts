import type { AuditEntry, Lever } from '../levers/lever.js';
import { escapeHtml } from '../report/format.js';
import { formAction } from '../web/form-token.js';
import { table, when } from './views.js';

// The levers page (/levers): every lever with its state, a form to pull or reset it with a required reason
// (as `gameday lever pull --reason` asks), and the audit trail: who did what, when, why and from where.

export interface LeversModel {
  levers: Lever[];
  audit: AuditEntry[];
  /** Who the person said they were last time (a cookie), to fill the form. */
  actor: string;
  token: string;
}

export function renderLeverBoard(model: LeversModel): string {
  const rows = model.levers.map((lever) => {
    const state = lever.state === 'pulled' ? '<span class="lever-pulled">⏻ pulled</span>' : '<span class="lever-reset">reset</span>';
    const held = lever.lease ? `<div class="data">held by lease ${escapeHtml(lever.lease.id.slice(0, 8))} of ${escapeHtml(lever.lease.owner)}: undone when it ends</div>` : '';
    const changed = lever.changed_by ? `<div class="data">by ${escapeHtml(lever.changed_by)} ${when(lever.changed_at)}: ${escapeHtml(lever.reason ?? '')}</div>` : '';
    const id = `lever-${lever.name}`;
    const form = [
      `<form method="post" class="inline levers-form" action="${escapeHtml(formAction(`/levers/${encodeURIComponent(lever.name)}/change`, model.token))}" aria-label="Pull or reset ${escapeHtml(lever.name)}">`,
      `<label for="${id}-reason">Reason</label><input type="text" id="${id}-reason" name="reason" required minlength="1" maxlength="500" placeholder="why, for the review">`,
      `<label for="${id}-by">By</label><input type="text" id="${id}-by" name="by" required maxlength="100" value="${escapeHtml(model.actor)}">`,
      `<button type="submit" name="action" value="pull"${lever.state === 'pulled' ? '' : ' class="danger"'}>Pull</button>`,
      `<button type="submit" name="action" value="reset">Reset</button>`,
      '</form>',
    ].join('');
    return `<tr data-lever="${escapeHtml(lever.name)}" data-state="${lever.state}"><td><code>${escapeHtml(lever.name)}</code><div class="data">${escapeHtml(lever.description)}${lever.critical_path ? ` · protects ${escapeHtml(lever.critical_path)}` : ''}</div></td><td>${state}${held}${changed}</td><td>${form}</td></tr>`;
  });
  return table(['Lever', 'State', 'Change'], rows, 'No lever is declared: gameday serve --levers levers.yaml, or gameday lever declare.');
}

export function renderAudit(entries: readonly AuditEntry[]): string {
  const rows = entries.map(
    (entry) =>
      `<tr><td class="nowrap">${when(entry.at)}</td><td><code>${escapeHtml(entry.lever)}</code></td><td><span class="pill t-lever">${escapeHtml(entry.action)}</span>${entry.changed || entry.action === 'declare' ? '' : ' <span class="data">(already so)</span>'}</td><td>${escapeHtml(entry.by)}</td><td class="data">${escapeHtml(entry.from ?? '—')}</td><td>${escapeHtml(entry.reason)}${entry.lease ? `<div class="data">lease ${escapeHtml(entry.lease)}</div>` : ''}</td></tr>`,
  );
  return table(['When', 'Lever', 'Action', 'By', 'From', 'Reason'], rows, 'The audit trail is empty.');
}
