import type { Element, ElementContent, Root as HastRoot } from 'hast';
import { defaultSchema, sanitize } from 'hast-util-sanitize';
import { toHtml } from 'hast-util-to-html';
import type { Root } from 'mdast';
import { toHast } from 'mdast-util-to-hast';
import remarkFrontmatter from 'remark-frontmatter';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { escapeHtml, renderPage } from '../web/page.js';
import type { CoeFrontMatter } from './front-matter.js';
import type { Finding } from './rule.js';
import { describeState, type TrackedItem } from './tracking.js';

// A COE as HTML: for `gameday coe show --html` (one self-contained file) and the control room's COE pages.
// The Markdown is rendered safely: raw HTML in the file is dropped (never passed through), the result is
// sanitized to GitHub's allow-list (no script, no event handler, no javascript: link), and an image is shown
// only when it is an SVG beside the COE, inlined as a data: URI — a page never fetches from another host.

export interface CoeView {
  /** How the COE is named on the page: its path, or its id in the store. */
  label: string;
  text: string;
  frontMatter?: CoeFrontMatter;
  findings: Finding[];
  /** The items with their tracked states, when the COE is registered in the store. */
  items?: TrackedItem[];
  /** The SVG text of a local image the Markdown references (`coe-x-error-rate.svg`), if there is one. */
  image(src: string): string | undefined;
}

const parser = unified().use(remarkParse).use(remarkFrontmatter, ['yaml']).use(remarkGfm);

/** The Markdown body, without its front matter, as sanitized HTML. */
export function markdownToSafeHtml(text: string, image: CoeView['image']): string {
  const tree = parser.parse(text) as Root;
  tree.children = tree.children.filter((node) => node.type !== 'yaml');
  // Raw HTML nodes are dropped by toHast unless told otherwise; a comment (a draft's "to be written") too.
  const hast = sanitize(toHast(tree) as HastRoot, defaultSchema) as HastRoot;
  inlineImages(hast, image);
  return toHtml(hast);
}

function inlineImages(node: HastRoot | Element, image: CoeView['image']): void {
  node.children = node.children.map((child): ElementContent => {
    if (child.type !== 'element') return child as ElementContent;
    if (child.tagName !== 'img') {
      inlineImages(child, image);
      return child;
    }
    const src = String(child.properties.src ?? '');
    const alt = String(child.properties.alt ?? '');
    const svg = /^[^:/?#][^:?#]*\.svg$/i.test(src) ? image(src) : undefined;
    if (svg === undefined) return { type: 'element', tagName: 'span', properties: { className: ['coe-missing-image'] }, children: [{ type: 'text', value: `[image not shown: ${alt || src}${src ? ` (${src})` : ''}]` }] };
    return { ...child, properties: { ...child.properties, src: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`, className: ['coe-chart'] } };
  });
}

export function renderFindings(findings: readonly Finding[]): string {
  const errors = findings.filter((f) => f.severity === 'error').length;
  const head = findings.length === 0 ? 'No findings: the check passes.' : `${errors} error${errors === 1 ? '' : 's'}, ${findings.length - errors} other finding${findings.length - errors === 1 ? '' : 's'}${errors > 0 ? ': not finished yet' : ': passes'}.`;
  const rows = findings.map(
    (f) =>
      `<tr class="sev-${escapeHtml(f.severity)}"><td class="nowrap">${f.line}:${f.column}</td><td><span class="pill">${escapeHtml(f.severity)}</span></td><td><code>${escapeHtml(f.rule)}</code></td><td>${escapeHtml(f.message)}<div class="data">${escapeHtml(f.suggestion)}</div></td></tr>`,
  );
  return [
    '<section class="card" aria-labelledby="coe-findings"><h2 id="coe-findings">Check</h2>',
    `<p>${escapeHtml(head)} <span class="data">(<code>gameday coe check</code>)</span></p>`,
    rows.length > 0 ? `<table><thead><tr><th>where</th><th>severity</th><th>rule</th><th>what, and what to write instead</th></tr></thead><tbody>${rows.join('')}</tbody></table>` : '',
    '</section>',
  ].join('\n');
}

export function renderItems(items: readonly TrackedItem[], options: { withCoe?: boolean; caption?: string } = {}): string {
  if (items.length === 0) return '<p class="empty">No action items.</p>';
  const rows = items.map((item) =>
    [
      `<tr class="item-${item.open ? 'open' : 'closed'}">`,
      options.withCoe ? `<td><a href="/coes/${encodeURIComponent(item.coeId)}">${escapeHtml(item.coeId)}</a></td>` : '',
      `<td class="nowrap">${escapeHtml(item.id)}</td><td>${escapeHtml(item.action)}${item.experiment ? `<div class="data">verified by <code>${escapeHtml(item.experiment)}</code></div>` : ''}</td>`,
      `<td>${escapeHtml(item.owner ?? '—')}</td><td class="nowrap">${escapeHtml(item.due ?? '—')}</td><td>${escapeHtml(item.kind ?? '—')}</td>`,
      `<td><span class="state state-${escapeHtml(item.state)}">${escapeHtml(item.state)}</span>${item.overdue ? ' <strong class="overdue">overdue</strong>' : ''}<div class="data">${escapeHtml(describeState(item))}</div></td>`,
      '</tr>',
    ].join(''),
  );
  return [
    `<table>${options.caption ? `<caption>${escapeHtml(options.caption)}</caption>` : ''}<thead><tr>${options.withCoe ? '<th>COE</th>' : ''}<th>item</th><th>action</th><th>owner</th><th>due</th><th>kind</th><th>state</th></tr></thead>`,
    `<tbody>${rows.join('')}</tbody></table>`,
  ].join('');
}

function renderMeta(fm: CoeFrontMatter | undefined): string {
  if (!fm) return '';
  const entries: Array<[string, string | undefined]> = [
    ['Status', fm.status],
    ['Severity', fm.severity],
    ['Incident', fm.incident],
    ['Runs', fm.runs?.join(', ')],
    ['Authors', fm.authors?.join(', ')],
    ['Started', fm.started],
    ['Detected', fm.detected],
    ['Mitigated', fm.mitigated],
    ['Resolved', fm.resolved],
    ['Reviewed', fm.reviewed],
  ];
  const shown = entries.filter(([, value]) => value !== undefined && value !== '');
  return `<dl class="meta">${shown.map(([k, v]) => `<div><dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd></div>`).join('')}</dl>`;
}

/** The COE's content: what it is, its action items, what the check says, and the document itself. */
export function renderCoeArticle(view: CoeView): string {
  const title = view.frontMatter?.title ?? view.label;
  return [
    '<header>',
    '<div class="eyebrow">Correction of error</div>',
    `<h1>${escapeHtml(title)}</h1>`,
    `<p class="data"><code>${escapeHtml(view.label)}</code></p>`,
    renderMeta(view.frontMatter),
    '</header>',
    view.items ? `<section class="card" aria-labelledby="coe-items"><h2 id="coe-items">Action items</h2>${renderItems(view.items)}</section>` : '',
    renderFindings(view.findings),
    `<article class="card coe-document" aria-label="The COE">${markdownToSafeHtml(view.text, view.image)}</article>`,
  ].join('\n');
}

export const COE_CSS = `
.coe-document h1 { font-size: 22px; } .coe-document h2 { font-size: 18px; margin-top: 22px; } .coe-document h3 { font-size: 15px; }
.coe-document table { margin: 8px 0 14px; } .coe-document td:first-child { white-space: nowrap; } .coe-document img.coe-chart { display: block; width: 100%; max-width: 1040px; height: auto; margin: 8px 0 14px; }
.coe-missing-image { color: var(--muted); font-style: italic; }
.state { font-weight: 650; } .state-verified, .state-done { color: var(--held); } .state-reopened { color: var(--aborted); }
.state-open, .state-in-progress { color: var(--violated); } .state-wont-do { color: var(--muted); }
.overdue { color: var(--aborted); }
tr.sev-error td { background: #fff8f8; }
caption { text-align: left; font-weight: 650; padding: 0 0 6px; }
`;

/** One self-contained HTML file (`gameday coe show --html`): opens offline, fetches nothing. */
export function renderCoeDocument(view: CoeView): string {
  return `${renderPage({ title: view.frontMatter?.title ?? view.label, body: renderCoeArticle(view), nav: false, css: COE_CSS })}\n`;
}
