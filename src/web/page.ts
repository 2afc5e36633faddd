import { createHash } from 'node:crypto';
import { escapeHtml } from '../report/format.js';
import { REPORT_CSS } from '../report/styles.js';
import { CONTROL_ROOM_CSS } from './styles.js';

// Every page the control room serves (dashboard, status page, incidents, COEs) is rendered on the server
// by a plain typed function from a view model and wrapped here: one stylesheet shared with the run report,
// one navigation, landmarks for screen readers, and a Content-Security-Policy that allows no request to
// another host and no script but the page's own (by hash or by a path served from the package). A page
// works with JavaScript off; a script only adds live parts (STYLE §8).

export { escapeHtml };

export interface NavItem {
  href: string;
  label: string;
}

/** The control room's sections, in the order the navigation shows them. */
export const CONTROL_ROOM_NAV: readonly NavItem[] = [
  { href: '/', label: 'Runs' },
  { href: '/levers', label: 'Levers' },
  { href: '/status', label: 'Status' },
  { href: '/incidents', label: 'Incidents' },
  { href: '/coes', label: 'COEs' },
];

export interface PageOptions {
  title: string;
  /** The page's own content (already escaped HTML); it goes inside <main>. */
  body: string;
  /** Which navigation entry is this page's (its href); omit the navigation with `nav: false`. */
  current?: string;
  nav?: readonly NavItem[] | false;
  /** Inline scripts (their hashes go into the CSP) and scripts served by the control room (same origin). */
  inlineScripts?: readonly string[];
  scriptPaths?: readonly string[];
  /** ES modules served by the control room (same origin); they run after the page is parsed, in order with `scriptPaths`. */
  modulePaths?: readonly string[];
  /** Extra CSS for this page (inline, in the same <style>). */
  css?: string;
  /** Extra <meta>/<link> lines for <head> (already escaped), e.g. a feed's <link rel="alternate">. */
  head?: string;
  /** Connections the page's script opens (server-sent events, fetch) go to its own origin only. */
  connect?: boolean;
  /** Forms on the page post to the control room itself. */
  forms?: boolean;
}

export function renderPage(options: PageOptions): string {
  const inline = options.inlineScripts ?? [];
  const nav = options.nav === false ? [] : (options.nav ?? CONTROL_ROOM_NAV);
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    // frame-ancestors works only as a header (pageHeaders); in a <meta> it is ignored with a console error.
    `<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(options)}">`,
    // An icon in the page, so that the browser does not ask the server for /favicon.ico.
    `<link rel="icon" href="data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="8" cy="8" r="7" fill="#1f2328"/></svg>')}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="generator" content="GameDay">',
    `<title>${escapeHtml(options.title)} · GameDay</title>`,
    options.head ?? '',
    `<style>${REPORT_CSS}${CONTROL_ROOM_CSS}${options.css ?? ''}</style>`,
    '</head><body>',
    '<a class="skip" href="#content">Skip to content</a>',
    nav.length > 0 ? renderNav(nav, options.current) : '',
    `<main id="content">${options.body}</main>`,
    ...inline.map((script) => `<script>${script}</script>`),
    ...(options.scriptPaths ?? []).map((path) => `<script src="${escapeHtml(path)}" defer></script>`),
    ...(options.modulePaths ?? []).map((path) => `<script type="module" src="${escapeHtml(path)}"></script>`),
    '</body></html>',
  ].join('\n');
}

function renderNav(nav: readonly NavItem[], current?: string): string {
  const items = nav.map(
    (item) => `<li><a href="${escapeHtml(item.href)}"${item.href === current ? ' aria-current="page"' : ''}>${escapeHtml(item.label)}</a></li>`,
  );
  return `<header class="cr-header"><nav aria-label="Control room"><a class="cr-brand" href="/">GameDay</a><ul>${items.join('')}</ul></nav></header>`;
}

/** The page's policy as a <meta> can carry it (also a static copy's, served by any file server). */
export function contentSecurityPolicy(options: Pick<PageOptions, 'inlineScripts' | 'scriptPaths' | 'modulePaths' | 'connect' | 'forms'>): string {
  const hashes = (options.inlineScripts ?? []).map((script) => `'sha256-${createHash('sha256').update(script).digest('base64')}'`);
  const scripts = [...hashes, ...([...(options.scriptPaths ?? []), ...(options.modulePaths ?? [])].length > 0 ? ["'self'"] : [])];
  return [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    `script-src ${scripts.length > 0 ? scripts.join(' ') : "'none'"}`,
    "img-src 'self' data:",
    `connect-src ${options.connect ? "'self'" : "'none'"}`,
    "base-uri 'none'",
    `form-action ${options.forms ? "'self'" : "'none'"}`,
  ].join('; ');
}

/**
 * The headers a page is sent with. The policy is repeated as a header with `frame-ancestors`, which works
 * only there: no other site may frame a page that has a halt button (clickjacking). Pages are live: never cached.
 */
export function pageHeaders(options: Pick<PageOptions, 'inlineScripts' | 'scriptPaths' | 'modulePaths' | 'connect' | 'forms'>): Record<string, string> {
  return {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': `${contentSecurityPolicy(options)}; frame-ancestors 'none'`,
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'same-origin',
    'cache-control': 'no-store',
  };
}
