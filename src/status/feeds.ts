import { escapeHtml } from '../web/page.js';
import type { StatusChange } from './facts.js';
import { STATUS_WORDS } from './status.js';
import type { StatusView } from './view.js';

// The status page's history as feeds (Atom and RSS 2.0, at Statuspage's paths /history.atom and
// /history.rss): every change of status, every declaration a person made, every incident update — newest
// first, each entry with a stable id so a reader shows it once.

interface Entry {
  id: string;
  title: string;
  body: string;
  at: string;
}

function entriesOf(view: StatusView, base: string): Entry[] {
  const names = new Map(view.components.map((c) => [c.id, c.name]));
  const nameOf = (id: string) => names.get(id) ?? id;
  const entries: Entry[] = [
    ...view.changes.map((change: StatusChange) => ({
      id: `${base}/status#change-${change.seq}`,
      title: `${nameOf(change.component)}: ${STATUS_WORDS[change.to]}`,
      body: `${nameOf(change.component)} is ${STATUS_WORDS[change.to].toLowerCase()}${change.from ? ` (was ${STATUS_WORDS[change.from].toLowerCase()})` : ''}. ${change.sli ? `Measured: ${change.sli}. ` : ''}Source: ${change.source}.`,
      at: change.at,
    })),
    ...view.declarations.map((d) => ({
      id: `${base}/status#declaration-${d.seq}`,
      title: `${nameOf(d.component)}: ${d.cleared ? 'declaration cleared' : d.status ? `declared ${STATUS_WORDS[d.status].toLowerCase()}` : 'note'}`,
      body: `${d.message} — ${d.author}`,
      at: d.at,
    })),
    ...[...view.incidents.unresolved, ...view.incidents.recent].flatMap((incident) =>
      incident.incident_updates.map((update) => ({
        id: `${base}/status#incident-${incident.id}-${update.id}`,
        title: `${incident.drill ? 'Drill: ' : ''}${incident.name} (${update.status})`,
        body: update.body,
        at: update.display_at,
      })),
    ),
  ];
  const unique = new Map(entries.map((entry) => [entry.id, entry]));
  return [...unique.values()].sort((a, b) => b.at.localeCompare(a.at)).slice(0, 100);
}

export function atomFeed(view: StatusView, base: string): string {
  const entries = entriesOf(view, base);
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">',
    `<id>${escapeHtml(base)}/status</id>`,
    `<title>${escapeHtml(view.page.name)} status history</title>`,
    `<updated>${entries[0]?.at ?? view.computedAt}</updated>`,
    `<link rel="alternate" type="text/html" href="${escapeHtml(base)}/status"/>`,
    `<link rel="self" type="application/atom+xml" href="${escapeHtml(base)}/history.atom"/>`,
    '<author><name>GameDay</name></author>',
    ...entries.map((e) =>
      [
        '<entry>',
        `<id>${escapeHtml(e.id)}</id>`,
        `<title>${escapeHtml(e.title)}</title>`,
        `<updated>${e.at}</updated>`,
        `<published>${e.at}</published>`,
        `<link rel="alternate" type="text/html" href="${escapeHtml(base)}/status"/>`,
        `<content type="text">${escapeHtml(e.body)}</content>`,
        '</entry>',
      ].join(''),
    ),
    '</feed>',
    '',
  ].join('\n');
}

export function rssFeed(view: StatusView, base: string): string {
  const entries = entriesOf(view, base);
  const date = (iso: string) => new Date(iso).toUTCString();
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<rss version="2.0"><channel>',
    `<title>${escapeHtml(view.page.name)} status history</title>`,
    `<link>${escapeHtml(base)}/status</link>`,
    `<description>Changes of status, declarations and incident updates of ${escapeHtml(view.page.name)}</description>`,
    `<lastBuildDate>${date(view.computedAt)}</lastBuildDate>`,
    ...entries.map((e) =>
      `<item><title>${escapeHtml(e.title)}</title><description>${escapeHtml(e.body)}</description><pubDate>${date(e.at)}</pubDate><guid isPermaLink="false">${escapeHtml(e.id)}</guid><link>${escapeHtml(base)}/status</link></item>`,
    ),
    '</channel></rss>',
    '',
  ].join('\n');
}
