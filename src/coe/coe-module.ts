import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ControlRoomModule, ModuleFactory } from '../control-room/module.js';
import type { Store } from '../store/engine.js';
import type { FormTokens } from '../web/form-token.js';
import { escapeHtml } from '../web/page.js';
import { sendPage } from '../web/send-page.js';
import { CoeStore } from './coe-store.js';

// The COEs as a module of the control room: `/coes` lists every registered COE and the action items still
// open, `/coes/:id` shows one COE (its latest copy in the store) with its items and its check findings,
// and `/api/coes`, `/api/coes/actions` give the same as JSON. Read-only: COEs are written as files and
// registered with `gameday coe new|add`. The language toolkit behind the check loads on the first page.

const coeId = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { error: 'a COE id is lower-case letters, digits and dashes' });

class UnknownCoeError extends Error {
  constructor(readonly id: string) {
    super(`no COE "${id}" is registered in this store`);
  }
}

export function coeModule(): ModuleFactory {
  return async ({ store, forms }): Promise<ControlRoomModule> => ({
    name: 'coes',
    routes: (app) => routes(app, store, forms),
    answerError: (error, reply) => answerError(error, reply, forms),
    describe: async () => {
      const [coes, items] = await Promise.all([new CoeStore(store).list(), openItems(store)]);
      return `${coes.length} COE${coes.length === 1 ? '' : 's'}, ${items.length} open action item${items.length === 1 ? '' : 's'} (/coes)`;
    },
    close: async () => undefined,
  });
}

async function openItems(store: Store) {
  const { trackedItems } = await import('./tracking.js');
  return trackedItems(store);
}

function routes(app: FastifyInstance, store: Store, forms: FormTokens): void {
  // Read-only pages, sent like every control-room page (its headers: the CSP, no framing, no caching).
  const html = (request: FastifyRequest, reply: FastifyReply, title: string, body: string, css: string) => sendPage(request, reply, forms, { title, body: () => body, current: '/coes', css });
  const idOf = (params: unknown) => coeId.parse((params as { id: string }).id);

  app.get('/api/coes', () => new CoeStore(store).list());
  app.get('/api/coes/actions', async (request) => {
    const query = z.object({ owner: z.string().optional(), overdue: z.enum(['true', 'false']).optional(), all: z.enum(['true', 'false']).optional() }).parse(request.query);
    const { trackedItems } = await import('./tracking.js');
    return trackedItems(store, { owner: query.owner, overdue: query.overdue === 'true', all: query.all === 'true' });
  });
  app.get('/coes', async (request, reply) => {
    const { trackedItems } = await import('./tracking.js');
    const { renderItems, COE_CSS } = await import('./render.js');
    const [coes, items] = await Promise.all([new CoeStore(store).list(), trackedItems(store, { all: true })]);
    const open = items.filter((item) => item.open);
    const rows = coes.map((coe) => {
      const own = items.filter((item) => item.coeId === coe.id);
      return `<tr><td><a href="/coes/${encodeURIComponent(coe.id)}">${escapeHtml(coe.title)}</a><div class="data"><code>${escapeHtml(coe.id)}</code></div></td><td>${own.filter((i) => i.open).length} open of ${own.length}</td><td class="nowrap">${escapeHtml(coe.updatedAt.slice(0, 10))}</td></tr>`;
    });
    const body = [
      '<header><div class="eyebrow">Learn</div><h1>Correction-of-error reviews</h1></header>',
      '<section class="card" aria-labelledby="coes"><h2 id="coes">COEs</h2>',
      rows.length > 0 ? `<table><thead><tr><th>COE</th><th>action items</th><th>updated</th></tr></thead><tbody>${rows.join('')}</tbody></table>` : '<p class="empty">No COE is registered yet: <code>gameday coe new --run &lt;run&gt;</code> drafts one, <code>gameday coe add &lt;file.md&gt;</code> registers one.</p>',
      '</section>',
      `<section class="card" aria-labelledby="open-items"><h2 id="open-items">Open action items, by owner</h2>${renderItems(open, { withCoe: true })}</section>`,
    ].join('\n');
    return html(request, reply, 'COEs', body, COE_CSS);
  });
  app.get('/coes/:id', async (request, reply) => {
    const id = idOf(request.params);
    const { coeViewOfStored } = await import('./view.js');
    const { renderCoeArticle, COE_CSS } = await import('./render.js');
    const view = await coeViewOfStored(store, id);
    if (!view) throw new UnknownCoeError(id);
    return html(request, reply, view.frontMatter?.title ?? id, renderCoeArticle(view), COE_CSS);
  });
}

function answerError(error: unknown, reply: FastifyReply, forms: FormTokens): FastifyReply | undefined {
  if (!(error instanceof UnknownCoeError)) return undefined;
  const body = `<h1>No such COE</h1><p>${escapeHtml(error.message)}. <a href="/coes">All COEs</a>.</p>`;
  return sendPage(reply.request, reply, forms, { title: 'No such COE', body: () => body, current: '/coes' }, 404);
}
