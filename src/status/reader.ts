import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Store } from '../store/engine.js';
import { StatusFacts, type StoredDeclaration } from './facts.js';
import { atomFeed, rssFeed } from './feeds.js';
import { StatusHistory } from './history.js';
import type { StatusIncidents } from './incidents.js';
import { renderStatusPage } from './page.js';
import { readStatuses, computeView, type StatusView } from './view.js';
import { checkDeclaration, type DeclarableStatus } from './status.js';
import { apiDocuments } from './statuspage.js';
import type { UptimeExclusions } from './uptime.js';

// Reading the status page from the store, for every face: the control room's routes, `gameday status`, the
// static export. A view is recomputed at most every CACHE_MS however many people look.

const CACHE_MS = 250;

/** The store has no status page yet: no control room was started with a status.yaml. */
export class NoStatusPageError extends Error {
  readonly statusCode = 404;
  constructor(location: string) {
    super(`no status page in the store ${location} yet: start a control room with one (gameday serve --status status.yaml)`);
  }
}

export class UnknownComponentError extends Error {
  readonly statusCode = 404;
  constructor(
    readonly component: string,
    readonly known: string[],
  ) {
    super(`no component "${component}" on the status page; components: ${known.join(', ')}`);
  }
}

/** A declaration that would show a component better than measured: refused, nothing written. */
export class DeclarationRefusedError extends Error {
  readonly statusCode = 409;
  constructor(
    message: string,
    readonly sli: string | null,
  ) {
    super(message);
  }
}

export interface ReaderOptions {
  incidents?: StatusIncidents;
  exclude?: UptimeExclusions;
}

export class StatusReader {
  private cached?: { atMs: number; history: boolean; view: Promise<StatusView> };

  constructor(
    readonly store: Store,
    private readonly options: ReaderOptions = {},
  ) {}

  async view(options: { history?: boolean } = {}): Promise<StatusView> {
    const now = Date.now();
    const cached = this.cached;
    if (cached && now - cached.atMs < CACHE_MS && (cached.history || !options.history)) return cached.view;
    const view = (async () => {
      const published = await new StatusHistory(this.store).published();
      if (!published) throw new NoStatusPageError(this.store.location);
      return computeView(this.store, published, { nowMs: now, incidents: this.options.incidents, exclude: this.options.exclude, history: options.history });
    })();
    this.cached = { atMs: now, history: Boolean(options.history), view };
    view.catch(() => (this.cached = undefined));
    return view;
  }

  /**
   * Appends what a person declares about a component — a worse status and words, or words alone — after
   * checking it against the SLIs measured now. Better than measured is refused, naming the SLI.
   */
  async declare(entry: { component: string; status: DeclarableStatus | null; message: string; author: string }): Promise<StoredDeclaration> {
    const published = await new StatusHistory(this.store).published();
    if (!published) throw new NoStatusPageError(this.store.location);
    const known = published.config.components.map((c) => c.id);
    if (!known.includes(entry.component)) throw new UnknownComponentError(entry.component, known);
    if (entry.status) {
      const { components } = await readStatuses(this.store, published.config, Date.now());
      const component = components.find((c) => c.id === entry.component)!;
      const check = checkDeclaration(component.name, entry.status, component.readings);
      if (!check.ok) throw new DeclarationRefusedError(check.message, check.reading?.text ?? null);
    }
    this.cached = undefined;
    return new StatusFacts(this.store).declare(entry);
  }

  async clear(entry: { component: string; message: string; author: string }): Promise<StoredDeclaration> {
    const published = await new StatusHistory(this.store).published();
    if (!published) throw new NoStatusPageError(this.store.location);
    const known = published.config.components.map((c) => c.id);
    if (!known.includes(entry.component)) throw new UnknownComponentError(entry.component, known);
    this.cached = undefined;
    return new StatusFacts(this.store).declare({ ...entry, status: null, cleared: true });
  }
}

/** Every file of the page as published: the HTML, the Statuspage JSON documents, the feeds. */
export function staticFiles(view: StatusView, url: string): Record<string, string> {
  const files: Record<string, string> = { 'index.html': renderStatusPage(view, { base: '', nav: false }) };
  for (const [path, document] of Object.entries(apiDocuments(view, url))) files[`api/v2/${path}`] = `${JSON.stringify(document, null, 2)}\n`;
  files['history.atom'] = atomFeed(view, url);
  files['history.rss'] = rssFeed(view, url);
  return files;
}

/** Writes each file whole (a temporary file renamed over the old one), so a reader never sees half a page. */
export function writeStaticFiles(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    const temporary = `${target}.${process.pid}.tmp`;
    writeFileSync(temporary, text);
    renameSync(temporary, target);
  }
}
