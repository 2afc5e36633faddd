import { formAction } from '../web/form-token.js';
import { escapeHtml } from '../web/page.js';
import { INCIDENT_STATES, ROLES, ROLE_DUTIES, ROLE_WORDS, UPDATE_STATES, type Incident } from './incident.js';
import { compactSpan, dueText, FIGURES, FIGURE_WORDS, type UpdateDue } from './response.js';
import { SEVERITIES, SEVERITY } from './severity.js';
import type { PlacedEntry } from './timeline.js';
import type { IncidentList, IncidentStats, IncidentView } from './view.js';

// The incidents' pages, rendered on the server from the views (view.ts): readable with JavaScript off, every
// state in words beside its colour, facts told apart from what people wrote by a label, not by colour alone.
// Forms post to the control room itself with the page's form token; the answer is the incident page again.

export const INCIDENT_CSS = `
.inc-badges { display: flex; flex-wrap: wrap; gap: 6px; margin: 6px 0 0; }
.inc-sev { display: inline-block; padding: 0 8px; border-radius: 4px; font-weight: 700; font-size: 12px; line-height: 20px; background: #eef0f3; color: #24292f; }
.inc-sev.SEV1 { background: #c9252d; color: #fff; } .inc-sev.SEV2 { background: #bc4c00; color: #fff; } .inc-sev.SEV3 { background: #fff3d6; color: #6f4a00; }
.inc-drill { display: inline-block; padding: 0 8px; border-radius: 4px; background: #ddf4ff; color: #0a3069; font-size: 12px; font-weight: 700; line-height: 20px; }
.inc-state { font-weight: 650; }
.inc-due { margin: 12px 0 0; padding: 10px 14px; border-radius: 8px; background: #eef0f3; }
.inc-due.late { background: #fdeeee; color: #6e1016; border-left: 6px solid #c9252d; }
.inc-notice { margin: 12px 0 0; padding: 10px 14px; border-radius: 8px; background: #fdeeee; color: #6e1016; }
.inc-notice.ok { background: #eaf6ee; color: #0f4d22; }
tr.words td { background: #fbfaf4; } tr.before td { color: var(--muted); }
tr.section td { background: #f6f8fa; font-weight: 650; color: var(--muted); }
.inc-kind { display: inline-block; min-width: 3.6em; font-size: 11px; font-weight: 700; letter-spacing: .04em; text-transform: uppercase; color: var(--muted); }
.inc-forms { display: grid; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); gap: 14px; }
.inc-forms form, form.stack { display: flex; flex-direction: column; gap: 6px; }
.inc-forms textarea, form.stack textarea { min-height: 4.5em; }
fieldset { border: 1px solid var(--line); border-radius: 8px; padding: 8px 10px; margin: 0; }
`;

function time(ms: number | null, withDate = true): string {
  if (ms === null) return '—';
  const iso = new Date(ms).toISOString();
  const shown = withDate ? iso.replace('T', ' ').replace('Z', ' UTC') : `${iso.slice(11, 23)}`;
  return `<time datetime="${iso}">${escapeHtml(shown)}</time>`;
}

export function severityBadge(incident: Pick<Incident, 'severity' | 'drill'>): string {
  const sev = `<span class="inc-sev ${incident.severity}">${incident.severity} · ${escapeHtml(SEVERITY[incident.severity].name)}</span>`;
  return incident.drill ? `${sev} <span class="inc-drill">drill</span>` : sev;
}

function dueBanner(due: UpdateDue | null, incident: Incident): string {
  if (!due) return '';
  return `<p class="inc-due${due.lateMs > 0 ? ' late' : ''}" role="status">${escapeHtml(dueText(due, incident))}</p>`;
}

function notice(text: string | undefined, ok = false): string {
  return text ? `<p class="inc-notice${ok ? ' ok' : ''}" role="${ok ? 'status' : 'alert'}">${escapeHtml(text)}</p>` : '';
}

const by = (id: string) => `<label for="${id}">You (your name, on the record)</label><input type="text" id="${id}" name="by" required autocomplete="nickname">`;

function severityOptions(selected?: string): string {
  return SEVERITIES.map((s) => `<option value="${s}"${s === selected ? ' selected' : ''}>${s} — ${escapeHtml(SEVERITY[s].name)}</option>`).join('');
}

export function severityTable(): string {
  const rows = SEVERITIES.map((s) => `<tr><td><span class="inc-sev ${s}">${s}</span></td><td>${escapeHtml(SEVERITY[s].meaning)}</td><td class="nowrap">every ${compactSpan(SEVERITY[s].updateEveryMs)}</td></tr>`);
  return `<table><thead><tr><th>severity</th><th>what it means</th><th>status updates</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function incidentRow(incident: Incident, due: UpdateDue | null): string {
  const late = due && due.lateMs > 0 ? `<div class="data">update overdue by ${compactSpan(due.lateMs)} (${escapeHtml(due.person)})</div>` : '';
  return `<tr><td class="nowrap"><a href="/incidents/${incident.id}">${incident.ref}</a></td><td>${escapeHtml(incident.title)}<div class="inc-badges">${severityBadge(incident)}</div>${late}</td><td class="inc-state">${incident.state}</td><td>${escapeHtml(incident.roles.commander)}</td><td>${escapeHtml(incident.components.join(', ') || '—')}</td><td class="nowrap">${time(incident.moments.declaredMs)}</td></tr>`;
}

function incidentTable(rows: IncidentList['open'], empty: string): string {
  if (rows.length === 0) return `<p class="empty">${escapeHtml(empty)}</p>`;
  return `<table><thead><tr><th>incident</th><th>title</th><th>state</th><th>commander</th><th>components</th><th>declared</th></tr></thead><tbody>${rows.map((r) => incidentRow(r.incident, r.due)).join('')}</tbody></table>`;
}

/** The open incidents, sent again by the list page's stream as they change. */
export function openIncidentsTable(list: IncidentList): string {
  return incidentTable(list.open, 'No open incident.');
}

function statsTable(stats: IncidentStats): string {
  if (stats.periods.length === 0) return '<p class="empty">No incident yet.</p>';
  const head = FIGURES.map((f) => `<th class="num">median ${FIGURE_WORDS[f]}</th>`).join('');
  const rows = stats.periods.map((p) => `<tr><td>${p.period}</td><td class="num">${p.incidents}</td><td class="num">${p.drills}</td>${FIGURES.map((f) => `<td class="num">${compactSpan(p.median[f])}</td>`).join('')}</tr>`);
  return `<table><thead><tr><th>${stats.by}</th><th class="num">incidents</th><th class="num">drills (not counted)</th>${head}</tr></thead><tbody>${rows.join('')}</tbody></table><p class="note">Each time is measured from when the trouble began. Drills practise the response and are left out.</p>`;
}

export function renderListBody(list: IncidentList, stats: IncidentStats, components: ReadonlyMap<string, string>, token: string, message?: { text: string; ok?: boolean }): string {
  const boxes = [...components].map(([id, name]) => `<label><input type="checkbox" name="components" value="${escapeHtml(id)}"> ${escapeHtml(name)}</label>`).join(' ');
  return [
    '<header><div class="eyebrow">Respond</div><h1>Incidents</h1></header>',
    notice(message?.text, message?.ok),
    `<section class="card" aria-labelledby="open"><h2 id="open">Open incidents</h2><div id="inc-open" data-fragment>${openIncidentsTable(list)}</div></section>`,
    `<section class="card" aria-labelledby="declare"><h2 id="declare">Declare an incident</h2>
<form class="stack" method="post" action="${escapeHtml(formAction('/incidents', token))}">
<label for="d-title">Title: what is wrong, in a few words</label><input type="text" id="d-title" name="title" required maxlength="200">
<label for="d-severity">Severity</label><select id="d-severity" name="severity">${severityOptions('SEV2')}</select>
${components.size > 0 ? `<fieldset><legend>Affected components</legend>${boxes}</fieldset>` : ''}
<label for="d-commander">Incident commander (empty: you)</label><input type="text" id="d-commander" name="commander">
${by('d-by')}
<button type="submit" class="danger">Declare</button></form></section>`,
    `<section class="card" aria-labelledby="severities"><h2 id="severities">What each severity means</h2>${severityTable()}</section>`,
    `<section class="card" aria-labelledby="resolved"><h2 id="resolved">Resolved</h2>${incidentTable(list.resolved, 'No resolved incident yet.')}</section>`,
    `<section class="card" aria-labelledby="figures"><h2 id="figures">Response over time</h2>${statsTable(stats)}</section>`,
  ].join('\n');
}

function entryRow(entry: PlacedEntry): string {
  const label = entry.words ? 'words' : 'fact';
  return `<tr class="${entry.words ? 'words' : 'fact'}${entry.beforeDeclaration ? ' before' : ''}"><td class="nowrap mono">${time(entry.atMs, false)}</td><td><span class="inc-kind">${label}</span> <span class="pill">${escapeHtml(entry.kind)}</span></td><td class="mono">${escapeHtml(entry.source)}</td><td>${escapeHtml(entry.text)}</td></tr>`;
}

function timelineTable(view: IncidentView): string {
  const entries = view.timeline.entries;
  const before = entries.filter((e) => e.beforeDeclaration);
  const after = entries.filter((e) => !e.beforeDeclaration);
  const section = (text: string) => `<tr class="section"><td colspan="4">${escapeHtml(text)}</td></tr>`;
  return `<table><caption class="note">Times are UTC, to the millisecond; the date is ${new Date(view.timeline.window.fromMs).toISOString().slice(0, 10)}. A fact was recorded by the system; words were written by a person.</caption><thead><tr><th>time</th><th>what</th><th>source</th><th>entry</th></tr></thead><tbody>${
    before.length > 0 ? section(`Before the declaration (the ${compactSpan(view.incident.lookbackMs)} before it)`) : ''
  }${before.map(entryRow).join('')}${section('Since the declaration')}${after.map(entryRow).join('')}</tbody></table>`;
}

function whatChanged(view: IncidentView): string {
  const { runs, faults, levers } = view.timeline.whatChanged;
  if (runs.length + faults.length + levers.length === 0) return `<p class="note">Nothing changed in the ${compactSpan(view.incident.lookbackMs)} before the declaration: no run, no fault, no lever.</p>`;
  const list = (items: string[]) => (items.length > 0 ? `<ul class="chips">${items.join('')}</ul>` : '<p class="note">none</p>');
  return [
    `<h3>Runs</h3>${list(runs.map((r) => `<li><a href="/runs/${encodeURIComponent(r.id)}">run ${escapeHtml(r.id)}</a> "${escapeHtml(r.title)}" from ${time(Date.parse(r.startedAt))}${r.endedAt ? ` to ${time(Date.parse(r.endedAt))}, ${escapeHtml(r.verdict ?? '')}` : ', still running'}</li>`))}`,
    `<h3>Faults</h3>${list(faults.map((f) => `<li>${time(f.atMs)} ${escapeHtml(f.text)} <span class="mono">(${escapeHtml(f.source)})</span></li>`))}`,
    `<h3>Levers</h3>${list(levers.map((l) => `<li>${time(l.atMs)} ${escapeHtml(l.text)} <span class="mono">(${escapeHtml(l.source)})</span></li>`))}`,
  ].join('');
}

export function renderIncidentBody(view: IncidentView, token: string, message?: { text: string; ok?: boolean }): string {
  const { incident } = view;
  const open = incident.moments.resolvedMs === null;
  const path = (action: string) => escapeHtml(formAction(`/incidents/${incident.id}/${action}`, token));
  const forms = open
    ? `<section class="card" aria-labelledby="act"><h2 id="act">Act</h2><div class="inc-forms">
<form method="post" action="${path('update')}"><h3>Status update (communications lead)</h3><label for="u-state">State</label><select id="u-state" name="state">${UPDATE_STATES.map((s) => `<option${s === incident.state ? ' selected' : ''}>${s}</option>`).join('')}</select><label for="u-message">What users should know</label><textarea id="u-message" name="message" required></textarea><label for="u-severity">Severity</label><select id="u-severity" name="severity">${severityOptions(incident.severity)}</select>${by('u-by')}<button type="submit">Post the update</button></form>
<form method="post" action="${path('note')}"><h3>Note or decision (scribe)</h3><label for="n-kind">Kind</label><select id="n-kind" name="kind"><option value="note">note</option><option value="decision">decision</option></select><label for="n-text">Text</label><textarea id="n-text" name="text" required></textarea>${by('n-by')}<button type="submit">Add to the timeline</button></form>
<form method="post" action="${path('role')}"><h3>Hand over a role</h3><label for="r-role">Role</label><select id="r-role" name="role">${ROLES.map((r) => `<option value="${r}">${ROLE_WORDS[r]}</option>`).join('')}</select><label for="r-person">To</label><input type="text" id="r-person" name="person" required>${by('r-by')}<button type="submit">Hand over</button></form>
<form method="post" action="${path('resolve')}"><h3>Resolve (commander)</h3><label for="x-message">Final update</label><textarea id="x-message" name="message">Resolved.</textarea>${by('x-by')}<button type="submit" class="danger">Resolve</button></form>
</div></section>`
    : `<section class="card" aria-labelledby="act"><h2 id="act">Add a note</h2><form class="stack" method="post" action="${path('note')}"><label for="n-text">What was learnt, for the COE</label><textarea id="n-text" name="text" required></textarea><input type="hidden" name="kind" value="note">${by('n-by')}<button type="submit">Add to the timeline</button></form></section>`;
  return [
    `<header><div class="eyebrow"><a href="/incidents">Incidents</a> · ${incident.ref}</div><h1>${incident.drill ? 'Drill: ' : ''}${escapeHtml(incident.title)}</h1>`,
    `<div class="inc-badges">${severityBadge(incident)} <span class="inc-state">${INCIDENT_STATES.includes(incident.state) ? incident.state : ''}</span>${incident.components.length > 0 ? ` on ${escapeHtml(incident.components.map((c) => view.componentNames.get(c) ?? c).join(', '))}` : ''}</div>`,
    `<p class="description">${escapeHtml(SEVERITY[incident.severity].meaning)}</p></header>`,
    notice(message?.text, message?.ok),
    ...Object.entries(incidentFragments(view)).map(([id, html], i) => `${i === 1 ? forms : ''}<div id="${id}" data-fragment>${html}</div>`),
  ].join('\n');
}

/** The parts of an incident's page that change by themselves, by their element id: the page's stream sends them again. */
export function incidentFragments(view: IncidentView): Record<'inc-people' | 'inc-timeline', string> {
  const { incident } = view;
  const roles = ROLES.map((role) => `<div><dt>${ROLE_WORDS[role]}</dt><dd>${escapeHtml(incident.roles[role] ?? (role === 'commander' ? '' : `— (${incident.roles.commander}, the commander)`))}</dd></div>`).join('');
  const moments = (['startedMs', 'detectedMs', 'declaredMs', 'mitigatedMs', 'resolvedMs'] as const).map((m) => `<div><dt>${m.replace('Ms', '')}</dt><dd>${time(incident.moments[m])}</dd></div>`).join('');
  const figures = FIGURES.map((f) => `<div class="tile"><div class="tile-label">time ${FIGURE_WORDS[f]}</div><div class="tile-value">${compactSpan(view.figures[f])}</div></div>`).join('');
  return {
    'inc-people': [
      dueBanner(view.due, incident),
      `<div class="grid-2"><section class="card" aria-labelledby="roles"><h2 id="roles">Roles</h2><dl class="meta">${roles}</dl><p class="note">${ROLES.map((r) => `${ROLE_WORDS[r]}: ${ROLE_DUTIES[r]}`).join('. ')}.</p></section>`,
      `<section class="card" aria-labelledby="moments"><h2 id="moments">Moments</h2><dl class="meta">${moments}</dl><div class="tiles">${figures}</div>${view.causes.length > 0 ? `<p class="note">Opened or joined by: ${escapeHtml(view.causes.join('; '))}</p>` : ''}</section></div>`,
    ].join(''),
    'inc-timeline': [
      `<section class="card" aria-labelledby="changed"><h2 id="changed">What changed before the declaration</h2>${whatChanged(view)}</section>`,
      `<section class="card" aria-labelledby="timeline"><h2 id="timeline">Timeline</h2>${timelineTable(view)}</section>`,
    ].join(''),
  };
}
