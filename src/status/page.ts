import { escapeHtml, renderPage, type PageOptions } from '../web/page.js';
import type { StatuspageIncident } from './incidents.js';
import { STATUS_WORDS, type Status } from './status.js';
import type { UptimeDay } from './uptime.js';
import type { ComponentView, StatusView } from './view.js';

// The status page, rendered on the server from the view: readable with JavaScript off, nothing from another
// host, the status always in words beside its colour. The one small script only says how old a copy is
// (a static export that stopped being updated): without it the page still says when it was computed.

const CSS = `
.sp-banner { display: flex; gap: 14px; align-items: center; margin-top: 18px; padding: 16px 20px; border-radius: 10px; border: 1px solid var(--line); border-left-width: 8px; background: var(--card); }
.sp-banner strong { font-size: 20px; }
.sp-banner.status-operational { border-left-color: var(--operational); } .sp-banner.status-degraded_performance { border-left-color: var(--degraded); }
.sp-banner.status-partial_outage { border-left-color: var(--partial); } .sp-banner.status-major_outage { border-left-color: var(--major); } .sp-banner.status-no_data { border-left-color: var(--nodata); }
.sp-age { margin: 10px 0 0; padding: 8px 12px; border-radius: 8px; background: #fff5e1; color: #5c3206; }
.sp-components { list-style: none; margin: 0; padding: 0; }
.sp-component { padding: 14px 0; border-top: 1px solid var(--line); } .sp-component:first-child { border-top: 0; }
.sp-head { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 6px 16px; align-items: baseline; }
.sp-name { font-weight: 650; font-size: 15px; margin: 0; }
.sp-word { font-weight: 650; }
.sp-slis { margin: 4px 0 0; padding: 0; list-style: none; color: var(--muted); font-size: 13px; }
.sp-note { margin: 6px 0 0; padding: 6px 10px; border-left: 3px solid var(--line); font-size: 13px; }
.sp-drill { display: inline-block; margin-left: 8px; padding: 0 6px; border-radius: 4px; background: #ddf4ff; color: #0a3069; font-size: 12px; font-weight: 600; }
svg.sp-bars { display: block; width: 100%; height: 28px; margin-top: 8px; }
.sp-bars rect { height: 28px; rx: 1.5; }
.b-operational { fill: var(--operational); } .b-degraded_performance { fill: #d4a72c; } .b-partial_outage { fill: var(--partial); } .b-major_outage { fill: var(--major); } .b-no_data { fill: #d0d7de; }
.sp-scale { display: flex; justify-content: space-between; color: var(--faint); font-size: 12px; }
.sp-updates { margin: 6px 0 0; padding-left: 18px; font-size: 13px; }
.sp-history { margin: 0; padding-left: 18px; font-size: 13px; color: var(--muted); }
.sp-foot { margin-top: 18px; color: var(--muted); font-size: 13px; }
`;

/** Says how old a copy of the page is, once it is older than a quarter minute. */
const AGE_SCRIPT = `(function(){var t=document.querySelector('[data-computed-at]'),n=document.getElementById('sp-age');if(!t||!n)return;var at=Date.parse(t.getAttribute('data-computed-at'));function w(ms){var s=Math.round(ms/1000);return s<120?s+' seconds':s<7200?Math.round(s/60)+' minutes':s<172800?Math.round(s/3600)+' hours':Math.round(s/86400)+' days';}function f(){var age=Date.now()-at;if(age>15000){n.textContent='This copy of the page is '+w(age)+' old: the status may have changed since it was computed.';n.hidden=false;}}f();setInterval(f,5000);})();`;

export interface PageLinks {
  /** Prefix of the page's own links: "" on the control room, "./" in a static export. */
  base: string;
  /** Whether the control room's navigation is shown (not in a static export). */
  nav: boolean;
}

function word(status: Status): string {
  return `<span class="sp-word status-${status}">${escapeHtml(STATUS_WORDS[status])}</span>`;
}

const OVERALL: Record<Status, string> = {
  operational: 'All systems operational',
  no_data: 'No fresh data for some components',
  degraded_performance: 'Degraded performance',
  partial_outage: 'Partial outage',
  major_outage: 'Major outage',
};

function when(iso: string): string {
  return `<time datetime="${escapeHtml(iso)}">${escapeHtml(iso.replace('T', ' ').replace(/\.\d+Z$/, ' UTC'))}</time>`;
}

/** The 90 days as bars; runs of alike days are one bar, so the page stays small. */
function bars(days: readonly UptimeDay[]): string {
  if (days.length === 0) return '';
  const runs: Array<{ from: number; to: number; day: UptimeDay }> = [];
  days.forEach((day, i) => {
    const last = runs.at(-1);
    const same = last && last.day.worst === day.worst && (day.uptime === null ? last.day.uptime === null : last.day.uptime !== null && Math.abs(last.day.uptime - day.uptime) < 1e-9);
    if (same) last.to = i;
    else runs.push({ from: i, to: i, day });
  });
  const width = 100 / days.length;
  const measured = days.reduce((acc, d) => acc + d.time.operational + d.time.degraded_performance + d.time.partial_outage + d.time.major_outage, 0);
  const up = days.reduce((acc, d) => acc + d.time.operational + d.time.degraded_performance, 0);
  const summary = measured === 0 ? `no data over the last ${days.length} days` : `${percent(up / measured)} uptime over the last ${days.length} days`;
  const rects = runs.map(({ from, to, day }) => {
    const span = from === to ? days[from].day : `${days[from].day} to ${days[to].day}`;
    const text = `${span}: ${day.uptime === null ? 'no data' : `${percent(day.uptime)} uptime, worst ${STATUS_WORDS[day.worst].toLowerCase()}`}`;
    return `<rect x="${(from * width).toFixed(3)}%" width="${((to - from + 1) * width - 0.3).toFixed(3)}%" class="b-${day.worst}"><title>${escapeHtml(text)}</title></rect>`;
  });
  return `<svg class="sp-bars" role="img" aria-label="${escapeHtml(summary)}">${rects.join('')}</svg><div class="sp-scale"><span>${days.length} days ago</span><span>${escapeHtml(summary)}</span><span>today</span></div>`;
}

function percent(fraction: number): string {
  return `${+(fraction * 100).toFixed(fraction >= 0.999 ? 3 : 2)}%`;
}

/** A component's heading is one level below its group's, if it has one. */
function component(view: StatusView, c: ComponentView, level: 3 | 4): string {
  const slis = c.readings.map((r) => `<li>${escapeHtml(r.text)} <span class="mono">(${escapeHtml(r.source)})</span></li>`).join('');
  const note = c.declaration
    ? `<p class="sp-note">${c.declaration.status ? `Declared ${escapeHtml(STATUS_WORDS[c.declaration.status].toLowerCase())} by ${escapeHtml(c.declaration.author)}` : `Note by ${escapeHtml(c.declaration.author)}`} at ${when(c.declaration.at)}: ${escapeHtml(c.declaration.message)}</p>`
    : '';
  const drill = c.drillRuns.length > 0 ? `<span class="sp-drill">drill: run ${escapeHtml(c.drillRuns.join(', '))}</span>` : '';
  const since = c.since ? ` <span class="tile-note">since ${when(c.since)}</span>` : '';
  return `<li class="sp-component" id="component-${escapeHtml(c.id)}"><div class="sp-head"><h${level} class="sp-name">${escapeHtml(c.name)}${drill}</h${level}><div>${word(c.status)}${since}</div></div>${
    c.description ? `<p class="description">${escapeHtml(c.description)}</p>` : ''
  }<ul class="sp-slis">${slis}</ul>${note}${bars(view.uptime.get(c.id) ?? [])}</li>`;
}

function incident(i: StatuspageIncident): string {
  const updates = i.incident_updates.map((u) => `<li><strong>${escapeHtml(u.status)}</strong> ${when(u.display_at)}: ${escapeHtml(u.body)}</li>`).join('');
  return `<article class="sp-component"><h3 class="sp-name">${i.drill ? '<span class="sp-drill">drill</span> ' : ''}${escapeHtml(i.name)}</h3><p class="tile-note">${escapeHtml(i.status)}, impact ${escapeHtml(i.impact)}${i.severity ? `, ${escapeHtml(i.severity)}` : ''}; started ${when(i.started_at)}${i.resolved_at ? `, resolved ${when(i.resolved_at)}` : ''}</p><ol class="sp-updates">${updates}</ol></article>`;
}

/** The page as a static copy has it: one file, its policy in a <meta>. */
export function renderStatusPage(view: StatusView, links: PageLinks): string {
  return renderPage(statusPage(view, links));
}

/** The page's parts, for the shell: renderPage for a static copy, sendPage (src/web/send-page.ts) on the control room. */
export function statusPage(view: StatusView, links: PageLinks): PageOptions {
  const groups = new Map<string, ComponentView[]>();
  for (const c of view.components) groups.set(c.group ?? '', [...(groups.get(c.group ?? '') ?? []), c]);
  const componentSections = [...groups].map(
    ([group, members]) => `${group ? `<h3 class="eyebrow">${escapeHtml(group)}</h3>` : ''}<ul class="sp-components">${members.map((c) => component(view, c, group ? 4 : 3)).join('')}</ul>`,
  );
  const past = view.incidents.recent.filter((i) => !view.incidents.unresolved.some((u) => u.id === i.id));
  const names = new Map(view.components.map((c) => [c.id, c.name]));
  const history = view.changes.slice(0, 20).map(
    (change) => `<li>${when(change.at)} ${escapeHtml(names.get(change.component) ?? change.component)}: ${word(change.to)}${change.sli ? ` — ${escapeHtml(change.sli)}` : ''} <span class="mono">(${escapeHtml(change.source)})</span></li>`,
  );
  const body = [
    `<p class="eyebrow">Status</p><h1>${escapeHtml(view.page.name)}</h1>`,
    view.page.description ? `<p class="description">${escapeHtml(view.page.description)}</p>` : '',
    `<div class="sp-banner status-${view.overall}" role="status"><strong>${escapeHtml(OVERALL[view.overall])}</strong></div>`,
    `<p class="tile-note" data-computed-at="${escapeHtml(view.computedAt)}">Computed at ${when(view.computedAt)} from measured SLIs; a person may declare a component worse than measured, never better.</p>`,
    '<p class="sp-age" id="sp-age" hidden></p>',
    view.incidents.unresolved.length > 0 ? `<section class="card" aria-labelledby="sp-active"><h2 id="sp-active">Active incidents</h2>${view.incidents.unresolved.map(incident).join('')}</section>` : '',
    `<section class="card" aria-labelledby="sp-components"><h2 id="sp-components">Components</h2>${componentSections.join('')}</section>`,
    `<section class="card" aria-labelledby="sp-past"><h2 id="sp-past">Past incidents</h2>${past.length > 0 ? past.map(incident).join('') : '<p class="tile-note">No incidents in the last 14 days.</p>'}</section>`,
    `<section class="card" aria-labelledby="sp-changes"><h2 id="sp-changes">Recent changes</h2>${history.length > 0 ? `<ol class="sp-history">${history.join('')}</ol>` : '<p class="tile-note">No change of status recorded yet.</p>'}</section>`,
    `<p class="sp-foot">Machine-readable: <a href="${links.base}api/v2/summary.json">summary.json</a> (Statuspage v2 shape), <a href="${links.base}history.atom">Atom</a>, <a href="${links.base}history.rss">RSS</a>. Status comes from ${escapeHtml(view.source.file)}.</p>`,
  ].join('\n');
  return {
    title: `${view.page.name} status`,
    body,
    current: '/status',
    nav: links.nav ? undefined : false,
    inlineScripts: [AGE_SCRIPT],
    css: CSS,
    head: `<link rel="alternate" type="application/atom+xml" title="Status history" href="${links.base}history.atom">`,
  };
}
