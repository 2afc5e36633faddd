import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ControlRoomContext, ControlRoomModule, ModuleFactory } from '../control-room/module.js';
import { requesterOf } from '../control-room/requester.js';
import { haltRun } from '../experiment/halt.js';
import { parseJournal } from '../journal/journal-file.js';
import type { LeverModule } from '../levers/lever-module.js';
import { leverChangeBody, leverName, UnknownLeverError } from '../levers/lever.js';
import { renderHtml } from '../report/html.js';
import { JournalEventStore } from '../store/journal-events.js';
import { RunSampleStore } from '../store/run-samples.js';
import { RunStore } from '../store/runs.js';
import { compiledFile, serveAssets, UPLOT_ASSET, UPLOT_CSS } from '../web/assets.js';
import { escapeHtml } from '../web/page.js';
import { PAGE } from '../web/page-route.js';
import { sendPage, type SentPage } from '../web/send-page.js';
import { followFragments, fragmentSender, openEventStream } from '../web/sse.js';
import { renderAudit, renderLeverBoard } from './levers-page.js';
import { renderRunBody, type RunPageModel } from './run-page.js';
import { streamRun } from './run-feed.js';
import { emptyRunState, foldEvent } from './run-state.js';
import { renderRunList, runListModel } from './runs-page.js';
import { DASHBOARD_CSS } from './styles.js';

// The dashboard as a module of the control room: the run list, the live view of a run (with its halt
// button), the levers page, and the shell every capability's pages share (navigation, stylesheet, the one
// script). Every page is rendered on the server from the store and works without JavaScript; the script
// (client/dashboard.ts) adds the live parts over server-sent events. Handlers parse, call the core, format.

/** The one script of every control-room page with live parts (it follows the page's stream); other capabilities' pages load it too. */
export const DASHBOARD_SCRIPT = '/assets/dashboard.js';
const SCRIPT = DASHBOARD_SCRIPT;
const DASHBOARD_ASSETS = [UPLOT_ASSET, { path: SCRIPT, file: compiledFile('./client/dashboard.js', import.meta.url), type: 'text/javascript' }];
/** Journal rows a page is rendered with; older ones are in the report and journal.json. */
const JOURNAL_ROWS = 500;
const ACTOR_COOKIE = 'gameday_actor';

export interface DashboardModule extends ControlRoomModule {
  name: 'dashboard';
}

export function dashboardModule(): ModuleFactory {
  return async (context): Promise<DashboardModule> => ({
    name: 'dashboard',
    pages: true,
    routes: (app) => routes(app, context),
    describe: () => `${context.url()}/ (runs, live views, levers)`,
    close: async () => undefined,
  });
}

function routes(app: FastifyInstance, context: ControlRoomContext): void {
  const { store, forms } = context;
  const runs = new RunStore(store);
  const board = () => context.module<LeverModule>('levers')?.board;
  serveAssets(app, DASHBOARD_ASSETS);

  // Every dashboard page loads the one script (live parts) and the dashboard's CSS on top of the shell's.
  const page = (request: FastifyRequest, reply: FastifyReply, options: SentPage, status = 200) =>
    sendPage(request, reply, forms, { ...options, modulePaths: [SCRIPT], css: `${DASHBOARD_CSS}${options.css ?? ''}` }, status);
  const problem = (request: FastifyRequest, reply: FastifyReply, status: number, title: string, text: string) =>
    page(request, reply, { title, current: '/', body: () => `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p><p><a href="/">All runs</a></p>` }, status);

  // What needs a person now (an overdue status update), from the modules that say so, above the runs.
  const attention = async () => {
    const items = (await context.module('incidents')?.attention?.().catch(() => [])) ?? [];
    return items.length === 0 ? '' : `<ul class="notice fail" role="status">${items.map((item) => `<li><a href="${escapeHtml(item.href)}">${escapeHtml(item.text)}</a></li>`).join('')}</ul>`;
  };

  app.get('/', async (request, reply) => {
    const [model, needs] = await Promise.all([runListModel(store), attention()]);
    return page(request, reply, { title: 'Runs', current: '/', stream: '/live/runs', body: () => `<div id="attention" data-fragment>${needs}</div><h1>Runs</h1><div id="runs" data-fragment>${renderRunList(model)}</div>` });
  });

  app.get('/live/runs', (_request, reply) =>
    followFragments(reply, {
      store,
      channels: ['runs', 'journal'],
      render: async () => ({ runs: renderRunList(await runListModel(store)), attention: await attention() }),
      everyMs: 250,
    }),
  );


  app.get('/runs/:id', { constraints: PAGE }, async (request, reply) => {
    const id = runId(request);
    const run = await runs.get(id);
    if (!run) return problem(request, reply, 404, 'No such run', `The store ${store.location} has no run ${id}.`);
    const events = await allEvents(new JournalEventStore(store), id);
    const state = emptyRunState();
    for (const event of events) foldEvent(state, event);
    const levers = board();
    const samples = new RunSampleStore(store);
    const model: RunPageModel = {
      run,
      state,
      checks: await samples.latestChecks(id),
      latest: new Map((await samples.latestOfEachSeries(id)).map((sample) => [sample.load, sample])),
      levers: levers ? await levers.list() : null,
      nowMs: Date.now(),
    };
    const notice = haltNotice(request.query as Record<string, string | undefined>);
    return page(request, reply, {
      title: run.title,
      current: '/',
      scriptPaths: [UPLOT_ASSET.path],
      css: UPLOT_CSS,
      stream: `/live/runs/${encodeURIComponent(id)}?seq=${state.seq}${run.endedAt ? '' : '&live=1'}`,
      body: (token) => renderRunBody(model, events.slice(-JOURNAL_ROWS).reverse(), token, notice),
    });
  });

  app.get('/live/runs/:id', async (request, reply) => {
    const id = runId(request);
    if (!(await runs.get(id))) return reply.code(404).send({ error: `no run ${id} in the store` });
    const seq = z.coerce.number().int().min(0).catch(0).parse((request.query as { seq?: string }).seq);
    await streamRun(store, board(), id, seq, openEventStream(reply));
  });

  app.get('/runs/:id/report', { constraints: PAGE }, async (request, reply) => {
    const id = runId(request);
    const run = await runs.get(id);
    if (!run) return problem(request, reply, 404, 'No such run', `The store ${store.location} has no run ${id}.`);
    const journal = await runs.journal(id);
    if (!journal) return problem(request, reply, 409, 'No report yet', `Run ${id} has not ended: its report is written from its journal when it ends. Its live view is at /runs/${id}.`);
    const html = renderHtml(parseJournal(JSON.stringify(journal), `run ${id} in ${store.location}`));
    return reply.headers({ 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'x-frame-options': 'DENY', 'x-content-type-options': 'nosniff' }).send(html);
  });

  app.post('/runs/:id/halt', async (request, reply) => {
    const id = runId(request);
    const run = await runs.get(id);
    if (!run) return problem(request, reply, 404, 'No such run', `The store ${store.location} has no run ${id}.`);
    if (run.endedAt || run.status !== 'running') return problem(request, reply, 409, 'Nothing to halt', `Run ${id} is ${run.endedAt ? 'over' : 'already halted'}: it holds no fault to revert.`);
    context.log.warn({ run: id, from: requesterOf(request) }, `halt of run ${id} requested from the dashboard`);
    const result = await haltRun(runs, run);
    const query = new URLSearchParams({ halted: String(result.released.length), gone: String(result.alreadyGone.length), failed: result.failed.map((f) => f.controlUrl).join(' ') });
    return reply.code(303).header('location', `/runs/${encodeURIComponent(id)}?${query}`).send();
  });

  app.get('/levers', { constraints: PAGE }, async (request, reply) => {
    const levers = board();
    if (!levers) return problem(request, reply, 404, 'No levers here', 'This control room serves no lever module.');
    const [list, audit] = await Promise.all([levers.list(), levers.audit({ limit: 100 })]);
    const actor = cookie(request, ACTOR_COOKIE) ?? '';
    const changed = (request.query as { changed?: string }).changed;
    return page(request, reply, {
      title: 'Levers',
      current: '/levers',
      stream: '/live/levers',
      body: (token) =>
        [
          '<h1>Levers</h1>',
          '<p class="description">Emergency switches that services read (through OpenFeature) to shed non-critical work. A pull or reset needs a reason: the audit trail is read in the review.</p>',
          changed ? `<p class="notice" role="status">${escapeHtml(changed)}</p>` : '',
          `<section class="card" aria-labelledby="board-title"><h2 id="board-title">Levers</h2><div id="lever-board" data-fragment>${renderLeverBoard({ levers: list, audit, actor, token })}</div></section>`,
          `<section class="card" aria-labelledby="audit-title"><h2 id="audit-title">Audit trail</h2><div id="audit" data-fragment>${renderAudit(audit)}</div></section>`,
        ].join(''),
    });
  });

  app.get('/live/levers', async (request, reply) => {
    const levers = board();
    if (!levers) return reply.code(404).send({ error: 'this control room serves no levers' });
    const token = forms.issue(request.headers).token;
    const actor = cookie(request, ACTOR_COOKIE) ?? '';
    const stream = openEventStream(reply);
    const send = fragmentSender(stream);
    const refresh = async () => {
      const [list, audit] = await Promise.all([levers.list(), levers.audit({ limit: 100 })]);
      send('lever-board', renderLeverBoard({ levers: list, audit, actor, token }));
      send('audit', renderAudit(audit));
    };
    const stop = levers.subscribe(() => void refresh().catch(() => undefined));
    stream.signal.addEventListener('abort', stop);
  });

  app.post('/levers/:name/change', async (request, reply) => {
    const levers = board();
    if (!levers) return problem(request, reply, 404, 'No levers here', 'This control room serves no lever module.');
    const name = leverName.safeParse((request.params as { name: string }).name);
    const form = z.object({ action: z.enum(['pull', 'reset']) }).and(leverChangeBody.loose()).safeParse(request.body ?? {});
    if (!name.success || !form.success) {
      const issues = [...(name.error?.issues ?? []), ...(form.error?.issues ?? [])].map((issue) => `${issue.path.join('.') || 'form'}: ${issue.message}`);
      return problem(request, reply, 400, 'The lever was not changed', issues.join('; '));
    }
    const change = { by: form.data.by, reason: form.data.reason, from: requesterOf(request) };
    try {
      const result = form.data.action === 'pull' ? await levers.pull(name.data, change) : await levers.reset(name.data, change);
      const said = result.changed ? `${name.data} ${result.lever.state === 'pulled' ? 'pulled' : 'reset'} by ${change.by}.` : `${name.data} was already ${result.lever.state}; your ${form.data.action} is recorded in the audit trail.`;
      reply.header('set-cookie', `${ACTOR_COOKIE}=${encodeURIComponent(change.by)}; Path=/; SameSite=Strict; Max-Age=31536000`);
      return reply.code(303).header('location', `/levers?${new URLSearchParams({ changed: said })}`).send();
    } catch (error) {
      if (error instanceof UnknownLeverError) return problem(request, reply, 404, 'No such lever', error.message);
      throw error;
    }
  });
}

function runId(request: FastifyRequest): string {
  return z.string().min(1).max(200).parse((request.params as { id: string }).id);
}

async function allEvents(journal: JournalEventStore, runId: string) {
  const events = [];
  for (let page = await journal.eventsAfter(runId, 0); page.length > 0; page = await journal.eventsAfter(runId, page.at(-1)!.seq)) events.push(...page);
  return events;
}

function haltNotice(query: Record<string, string | undefined>): string | undefined {
  if (query.halted === undefined) return undefined;
  const failed = (query.failed ?? '').split(' ').filter(Boolean);
  const released = Number(query.halted) || 0;
  const gone = Number(query.gone) || 0;
  const text = failed.length > 0
    ? `Halt: released ${released} lease(s); could not reach ${failed.join(', ')} — those faults end when their leases expire. Halt again to retry.`
    : `Halt: released ${released} lease(s)${gone > 0 ? `, ${gone} already gone` : ''}; the components reverted the run's faults and the run is aborting.`;
  return `<p class="notice${failed.length > 0 ? ' fail' : ''}" role="status">${escapeHtml(text)}</p>`;
}

function cookie(request: FastifyRequest, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) {
      try {
        return decodeURIComponent(value.join('='));
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
