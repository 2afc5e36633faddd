import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Dispatcher, Pool } from 'undici';
import type { GatewayMetrics } from './metrics.js';
import type { Region, RegionTable, Upstream } from './regions.js';

// Forwards one request: pick a region by weight and health, an instance round robin, send; an idempotent
// request whose attempt fails (connection error, timeout, black hole, 5xx) before any response byte was
// sent to the client is retried once, on another region when there is one, else on another instance.
// A request that names its region (REGION_HEADER) is served by that region only, whatever its weight, as
// a regional endpoint would serve it: that is how a probe learns whether one region can serve on its own.

/** Request header that pins a request to one region; responses carry the same header naming who served. */
export const REGION_HEADER = 'x-gameday-region';

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
// RFC 9110 §7.6.1: connection-specific headers are not forwarded.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host']);

export type FailureKind = 'connect' | 'timeout' | 'status_5xx' | 'blackhole';

export interface ForwardContext {
  table: RegionTable;
  metrics: GatewayMetrics;
  pool(upstream: Upstream): Pool;
  upstreamTimeoutMs: number;
  maxBodyBytes: number;
  onFailure(upstream: Upstream, kind: FailureKind): void;
  onSuccess(upstream: Upstream): void;
}

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new BodyTooLarge(`request body larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function forwardHeaders(req: IncomingMessage): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
  }
  const prior = req.headers['x-forwarded-for'];
  headers['x-forwarded-for'] = prior ? `${prior}, ${req.socket.remoteAddress}` : (req.socket.remoteAddress ?? '');
  if (req.headers.host) headers['x-forwarded-host'] = req.headers.host;
  return headers;
}

function sendJson(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function failureKind(error: unknown): FailureKind {
  // DOMException codes (an aborted request) are numbers, undici's are strings: never assume a string.
  const code = String((error as { code?: unknown }).code ?? '');
  return code.includes('TIMEOUT') ? 'timeout' : 'connect';
}

export async function forward(ctx: ForwardContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = performance.now();
  let served: Region | null = null;
  // 503 until an attempt fails in a more specific way (502 connection, 504 timeout / black hole).
  let status = 503;
  const aborted = new AbortController();
  res.once('close', () => aborted.abort());
  try {
    let body: Buffer;
    try {
      body = await readBody(req, ctx.maxBodyBytes);
    } catch (error) {
      status = error instanceof BodyTooLarge ? 413 : 400;
      return sendJson(res, status, { error: (error as Error).message });
    }
    const pinnedName = req.headers[REGION_HEADER];
    const pinned = typeof pinnedName === 'string' ? ctx.table.region(pinnedName) : undefined;
    if (typeof pinnedName === 'string' && !pinned) {
      status = 400;
      return sendJson(res, status, { error: `gateway: no region "${pinnedName}" (header ${REGION_HEADER}); known: ${[...ctx.table.regions.keys()].join(', ')}` });
    }
    const method = req.method ?? 'GET';
    const attempts = IDEMPOTENT.has(method) ? 2 : 1;
    const triedRegions = new Set<Region>();
    const triedUpstreams = new Set<Upstream>();
    let lastFailure = pinned ? `region ${pinned.name} has no available instance` : 'no region has a healthy instance';
    for (let attempt = 0; attempt < attempts && !aborted.signal.aborted; attempt++) {
      const now = Date.now();
      let region = pinned ?? ctx.table.pickRegion(now, triedRegions);
      let upstream = region?.pick(now, triedUpstreams) ?? null;
      if (!upstream && attempt > 0 && !pinned) {
        // No other region can serve: try another instance of a region already tried.
        for (const tried of triedRegions) {
          upstream = tried.pick(now, triedUpstreams);
          if (upstream) {
            region = tried;
            break;
          }
        }
      }
      if (!region || !upstream) break;
      if (attempt > 0) ctx.metrics.retries.inc({ region: [...triedRegions].at(-1)!.name });
      triedRegions.add(region);
      triedUpstreams.add(upstream);
      const last = attempt === attempts - 1;
      upstream.inFlight++;
      try {
        if (region.isolated) {
          // A black-holed region never answers: the attempt ends only by the gateway's upstream timeout.
          await sleep(ctx.upstreamTimeoutMs, undefined, { signal: aborted.signal }).catch(() => undefined);
          ctx.onFailure(upstream, 'blackhole');
          ctx.metrics.upstreamErrors.inc({ region: region.name, kind: 'blackhole' });
          lastFailure = `region ${region.name} did not answer within ${ctx.upstreamTimeoutMs}ms`;
          status = 504;
          continue;
        }
        let response: Dispatcher.ResponseData;
        try {
          response = await ctx.pool(upstream).request({
            path: req.url ?? '/',
            method: method as Dispatcher.HttpMethod,
            headers: forwardHeaders(req),
            body: body.length > 0 ? body : undefined,
            headersTimeout: ctx.upstreamTimeoutMs,
            bodyTimeout: ctx.upstreamTimeoutMs,
            signal: aborted.signal,
          });
        } catch (error) {
          const kind = failureKind(error);
          ctx.onFailure(upstream, kind);
          ctx.metrics.upstreamErrors.inc({ region: region.name, kind });
          lastFailure = `${upstream.id}: ${(error as Error).message}`;
          status = kind === 'timeout' ? 504 : 502;
          continue;
        }
        if (response.statusCode >= 500) {
          ctx.onFailure(upstream, 'status_5xx');
          ctx.metrics.upstreamErrors.inc({ region: region.name, kind: 'status_5xx' });
          if (!last) {
            await response.body.dump();
            lastFailure = `${upstream.id} answered ${response.statusCode}`;
            continue;
          }
        } else {
          ctx.onSuccess(upstream);
        }
        served = region;
        status = response.statusCode;
        const headers: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(response.headers)) {
          if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
        }
        headers[REGION_HEADER] = region.name;
        headers['x-gameday-instance'] = upstream.id;
        res.writeHead(response.statusCode, headers);
        // pipeline respects the client's backpressure, and if the upstream dies mid-body it destroys the
        // client's response: a broken response, never a truncated "success".
        await pipeline(response.body, res).catch(() => undefined);
        return;
      } finally {
        upstream.inFlight--;
      }
    }
    sendJson(res, status, { error: `gateway: ${lastFailure}` });
  } finally {
    const region = served?.name ?? 'none';
    ctx.metrics.requests.inc({ region, status_class: `${Math.floor(status / 100)}xx` });
    ctx.metrics.latency.observe({ region }, (performance.now() - started) / 1000);
  }
}
