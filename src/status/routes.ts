import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { FormTokens } from '../web/form-token.js';
import { escapeHtml } from '../web/page.js';
import { sendPage } from '../web/send-page.js';
import { changes } from './facts.js';
import { atomFeed, rssFeed } from './feeds.js';
import { statusPage } from './page.js';
import { DeclarationRefusedError, NoStatusPageError, UnknownComponentError, type StatusReader } from './reader.js';
import { apiDocuments } from './statuspage.js';

// The status page's HTTP edge (docs/status.md): the page, Statuspage's v2 JSON, the feeds, and what people
// declare. Each handler parses, calls the reader, formats.

const declarationBody = z
  .object({
    status: z.enum(['degraded_performance', 'partial_outage', 'major_outage', 'operational']).nullable().optional(),
    message: z.string().trim().min(1, { error: 'say what people should know (message)' }).max(2000),
    author: z.string().trim().min(1, { error: 'say who declares it (author)' }).max(200),
  })
  .strict();

const clearBody = z.object({ message: z.string().trim().max(2000).default('cleared'), author: z.string().trim().min(1).max(200) }).strict();

export function statusRoutes(app: FastifyInstance, reader: StatusReader, forms: FormTokens, url: () => string): void {
  app.get('/status', async (request, reply) => {
    try {
      const page = statusPage(await reader.view({ history: true }), { base: '', nav: true });
      return sendPage(request, reply, forms, { ...page, body: () => page.body });
    } catch (error) {
      if (!(error instanceof NoStatusPageError)) throw error;
      return sendPage(request, reply, forms, { title: 'No status page', current: '/status', body: () => `<h1>No status page</h1><p>${escapeHtml(error.message)}</p>` }, 404);
    }
  });
  for (const path of ['summary.json', 'status.json', 'components.json', 'incidents.json', 'incidents/unresolved.json']) {
    app.get(`/api/v2/${path}`, async (_request, reply) => {
      const documents = apiDocuments(await reader.view(), url());
      return reply.header('cache-control', 'no-store').send(documents[path]);
    });
  }
  app.get('/history.atom', async (_request, reply) => reply.type('application/atom+xml; charset=utf-8').send(atomFeed(await reader.view({ history: true }), url())));
  app.get('/history.rss', async (_request, reply) => reply.type('application/rss+xml; charset=utf-8').send(rssFeed(await reader.view({ history: true }), url())));

  app.post('/api/status/components/:id/declarations', async (request, reply) => {
    const body = declarationBody.parse(request.body ?? {});
    const id = z.string().parse((request.params as { id: string }).id);
    const declaration = await reader.declare({ component: id, status: body.status ?? null, message: body.message, author: body.author });
    return reply.code(201).send(declaration);
  });
  app.post('/api/status/components/:id/clear', async (request, reply) => {
    const body = clearBody.parse(request.body ?? {});
    const declaration = await reader.clear({ component: (request.params as { id: string }).id, message: body.message, author: body.author });
    return reply.code(201).send(declaration);
  });
  app.get('/api/status/changes', async (request) => {
    const query = z
      .object({ from: z.coerce.number().default(0), to: z.coerce.number().optional(), component: z.string().optional() })
      .parse(request.query ?? {});
    return changes(reader.store, { fromMs: query.from, toMs: query.to ?? Date.now() + 1, components: query.component?.split(',') });
  });
}

export function answerStatusError(error: unknown, reply: FastifyReply): FastifyReply | undefined {
  if (error instanceof DeclarationRefusedError) return reply.code(409).send({ error: error.message, sli: error.sli });
  if (error instanceof UnknownComponentError) return reply.code(404).send({ error: error.message, component: error.component, known: error.known });
  if (error instanceof NoStatusPageError) return reply.code(404).send({ error: error.message });
  return undefined;
}
