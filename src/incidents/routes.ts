import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { parseDuration } from '../units/units.js';
import type { Store } from '../store/engine.js';
import type { FormTokens } from '../web/form-token.js';
import { sendPage } from '../web/send-page.js';
import { followFragments } from '../web/sse.js';
import { alertmanagerPayload, receiveAlerts, type AlertOptions } from './alertmanager.js';
import { IncidentConflictError, IncidentInputError, IncidentNotFoundError, parseIncidentId, parseRole, UPDATE_STATES } from './incident.js';
import type { Incidents } from './incidents.js';
import { INCIDENT_CSS, incidentFragments, openIncidentsTable, renderIncidentBody, renderListBody } from './pages.js';
import { incidentJson, incidentList, incidentStats, incidentView, incidentViewJson } from './view.js';

// The incidents' HTTP edge (docs/incidents.md): the JSON API the CLI's verbs mirror, the Alertmanager
// webhook, and the pages with their forms. Each handler parses (zod), calls the core, formats.

const text = (max: number) => z.string().trim().max(max);
const person = text(200);
const when = z.iso.datetime({ offset: true }).transform((iso) => Date.parse(iso));
const duration = z.union([z.number().int().min(0), z.string().transform((value, ctx) => {
  try {
    return parseDuration(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
})]);

const declareBody = z
  .object({
    title: text(200),
    severity: z.string(),
    components: z.union([z.array(z.string()), z.string().transform((one) => [one])]).default([]),
    commander: person.optional(),
    operations_lead: person.optional(),
    communications_lead: person.optional(),
    scribe: person.optional(),
    by: person.optional(),
    started_at: when.optional(),
    detected_at: when.optional(),
    lookback: duration.optional(),
    update_every: duration.optional(),
    message: text(4000).optional(),
    drill: z.boolean().optional(),
  })
  .strict();
const roleBody = z.object({ role: z.string(), person, by: person }).strict();
const noteBody = z.object({ text: text(4000), by: person, kind: z.enum(['note', 'decision']).default('note') }).strict();
const updateBody = z.object({ message: text(4000), by: person, state: z.enum(UPDATE_STATES).optional(), severity: z.string().optional() }).strict();
const resolveBody = z.object({ by: person, message: text(4000).optional() }).strict();

export interface RouteOptions {
  alerts: AlertOptions;
  /** The control room's form tokens: every page goes out through sendPage, every form carries the token. */
  forms: FormTokens;
  /** The one script that follows a page's stream and swaps its live parts in (served by the dashboard module). */
  liveScript?: string;
}

/** Facts the timeline reads from where they are kept: a change on any of these channels may add to it. */
const TIMELINE_CHANNELS = ['incidents', 'status', 'levers', 'journal', 'runs'] as const;
/** A burst of notifications (a run's journal) re-renders a page's live parts at most this often. */
const LIVE_EVERY_MS = 500;

export function incidentRoutes(app: FastifyInstance, incidents: Incidents, options: RouteOptions): void {
  const idOf = (request: FastifyRequest) => parseIncidentId((request.params as { id: string }).id);

  // The API.
  app.get('/api/incidents', async () => {
    const list = await incidentList(incidents);
    return { open: list.open.map((l) => incidentJson(l.incident, l.due)), resolved: list.resolved.map((l) => incidentJson(l.incident, l.due)) };
  });
  app.get('/api/incidents/stats', async (request) => {
    const { by } = z.object({ by: z.enum(['week', 'month']).default('month') }).parse(request.query ?? {});
    return incidentStats(incidents, by);
  });
  app.get('/api/incidents/:id', async (request) => incidentViewJson(await incidentView(incidents, idOf(request))));
  app.post('/api/incidents', async (request, reply) => reply.code(201).send(incidentJson(await declare(incidents, declareBody.parse(request.body ?? {})), null)));
  app.post('/api/incidents/:id/roles', async (request) => {
    const body = roleBody.parse(request.body ?? {});
    return incidentJson((await incidents.assign(idOf(request), parseRole(body.role), body.person, body.by)).incident, null);
  });
  app.post('/api/incidents/:id/notes', async (request, reply) => {
    const body = noteBody.parse(request.body ?? {});
    return reply.code(201).send(incidentJson(await incidents.note(idOf(request), body.text, body.by, { decision: body.kind === 'decision' }), null));
  });
  app.post('/api/incidents/:id/updates', async (request, reply) => {
    const body = updateBody.parse(request.body ?? {});
    return reply.code(201).send(incidentJson(await incidents.update(idOf(request), body), null));
  });
  app.post('/api/incidents/:id/resolve', async (request) => {
    const body = resolveBody.parse(request.body ?? {});
    return incidentJson(await incidents.resolve(idOf(request), body), null);
  });
  app.post('/api/alertmanager', async (request) => {
    const received = await receiveAlerts(incidents, alertmanagerPayload.parse(request.body ?? {}), options.alerts);
    return { incident: received.incident && incidentJson(received.incident, null), created: received.created, noted: received.noted };
  });

  // The pages: forms answer with the incident page (a refusal is said on it, and nothing changed).
  const page = (request: FastifyRequest, reply: FastifyReply, title: string, body: (token: string) => string, stream: string, status = 200) =>
    sendPage(request, reply, options.forms, { title, body, current: '/incidents', css: INCIDENT_CSS, stream, modulePaths: options.liveScript ? [options.liveScript] : [] }, status);
  const listPage = async (request: FastifyRequest, reply: FastifyReply, message?: { text: string; ok?: boolean }, status = 200) => {
    const [list, stats, names] = await Promise.all([incidentList(incidents), incidentStats(incidents), incidents.componentNames()]);
    return page(request, reply, 'Incidents', (token) => renderListBody(list, stats, names, token, message), '/live/incidents', status);
  };
  const incidentPage = async (request: FastifyRequest, reply: FastifyReply, id: number, message?: { text: string; ok?: boolean }, status = 200) => {
    const view = await incidentView(incidents, id);
    return page(request, reply, `${view.incident.ref} ${view.incident.title}`, (token) => renderIncidentBody(view, token, message), `/live/incidents/${id}`, status);
  };
  /** Runs a form's change; a refusal is shown on the page it came from with its status code. */
  const act = async (request: FastifyRequest, reply: FastifyReply, id: number | undefined, change: () => Promise<number>) => {
    try {
      const changed = await change();
      return reply.code(303).header('location', `/incidents/${changed}`).send();
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      const refused = error instanceof z.ZodError ? { text: `refused: ${error.issues.map((i) => `${i.path.join('.') || 'form'}: ${i.message}`).join('; ')}`, status: 400 } : status && status < 500 ? { text: `refused: ${(error as Error).message}`, status } : undefined;
      if (!refused || error instanceof IncidentNotFoundError) throw error;
      return id === undefined ? listPage(request, reply, { text: refused.text }, refused.status) : incidentPage(request, reply, id, { text: refused.text }, refused.status);
    }
  };

  // The live parts: rendered again when the store says something the page shows may have changed.
  app.get('/live/incidents', (_request, reply) => follow(incidents.store, reply, async () => ({ 'inc-open': openIncidentsTable(await incidentList(incidents)) })));
  app.get('/live/incidents/:id', async (request, reply) => {
    const id = idOf(request);
    await incidents.get(id);
    return follow(incidents.store, reply, async () => incidentFragments(await incidentView(incidents, id)));
  });

  app.get('/incidents', (request, reply) => listPage(request, reply));
  app.get('/incidents/:id', (request, reply) => incidentPage(request, reply, idOf(request)));
  app.post('/incidents', (request, reply) =>
    act(request, reply, undefined, async () => {
      const form = declareBody.parse(withoutEmpty(request.body));
      return (await declare(incidents, form)).id;
    }),
  );
  app.post('/incidents/:id/role', (request, reply) => {
    const id = idOf(request);
    return act(request, reply, id, async () => {
      const body = roleBody.parse(withoutEmpty(request.body));
      return (await incidents.assign(id, parseRole(body.role), body.person, body.by)).incident.id;
    });
  });
  app.post('/incidents/:id/note', (request, reply) => {
    const id = idOf(request);
    return act(request, reply, id, async () => {
      const body = noteBody.parse(withoutEmpty(request.body));
      return (await incidents.note(id, body.text, body.by, { decision: body.kind === 'decision' })).id;
    });
  });
  app.post('/incidents/:id/update', (request, reply) => {
    const id = idOf(request);
    return act(request, reply, id, async () => (await incidents.update(id, updateBody.parse(withoutEmpty(request.body)))).id);
  });
  app.post('/incidents/:id/resolve', (request, reply) => {
    const id = idOf(request);
    return act(request, reply, id, async () => (await incidents.resolve(id, resolveBody.parse(withoutEmpty(request.body)))).id);
  });
}

/** Streams `render`'s fragments now and after every change on the timeline's channels, until the reader leaves. */
/** A page's live fragments, rendered again whenever a fact of its timeline may have changed. */
function follow(store: Store, reply: FastifyReply, render: () => Promise<Record<string, string>>): Promise<void> {
  return followFragments(reply, { store, channels: TIMELINE_CHANNELS, render, everyMs: LIVE_EVERY_MS });
}

function declare(incidents: Incidents, body: z.output<typeof declareBody>) {
  return incidents.declare({
    ...body,
    startedMs: body.started_at,
    detectedMs: body.detected_at,
    lookbackMs: body.lookback,
    updateEveryMs: body.update_every,
  });
}

/** A form sends empty fields for what was left blank; they mean "not given". */
function withoutEmpty(body: unknown): Record<string, unknown> {
  return Object.fromEntries(Object.entries((body ?? {}) as Record<string, unknown>).filter(([, value]) => value !== ''));
}

export function answerIncidentError(error: unknown, reply: FastifyReply): FastifyReply | undefined {
  if (error instanceof IncidentInputError) return reply.code(400).send({ error: error.message });
  if (error instanceof IncidentNotFoundError) return reply.code(404).send({ error: error.message, id: error.id });
  if (error instanceof IncidentConflictError) return reply.code(409).send({ error: error.message });
  return undefined;
}
