import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { pyFormEncode, pyJsonDumps, pyStr } from './python-values.js';
import { substitute, type Lookup } from './substitute.js';
import type { ActivityResult } from './activity-result.js';

// An `http` provider, sent the way Chaos Toolkit sends it with the `requests` library: GET arguments
// become the query string, other methods send them as a form body, or as JSON when the headers say
// exactly `Content-Type: application/json`; redirects are followed; `timeout` is one number for both the
// connection and the wait between bytes, or a [connect, read] pair, and without it there is no limit.
// A status of 400 or more is still a result (the tolerance judges it); only a connection that cannot be
// made, a timeout, or an interruption fails the activity. The body is parsed when the response's
// Content-Type is exactly application/json, and is text otherwise.

const MAX_REDIRECTS = 30;
const MAX_BODY_BYTES = 16 * 1024 * 1024;

export interface HttpCall {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  connectTimeoutMs?: number;
  readTimeoutMs?: number;
  verifyTls: boolean | string;
  maxRetries: number;
}

/** Builds the request from the provider as written: substitution, arguments, timeouts. Throws a reason. */
export function prepareHttpCall(provider: Record<string, unknown>, lookup: Lookup, substituteArguments: boolean): HttpCall {
  const url = substitute(provider.url, lookup);
  if (typeof url !== 'string') throw new Error(`the url is ${pyJsonDumps(url)} after substitution, not text`);
  const method = pyStr(provider.method ?? 'GET').toUpperCase();
  const rawHeaders = substitute(provider.headers ?? null, lookup);
  const headers: Record<string, string> = {};
  if (rawHeaders !== null && rawHeaders !== undefined) {
    if (typeof rawHeaders !== 'object' || Array.isArray(rawHeaders)) throw new Error('headers must be a mapping of names to values');
    for (const [name, value] of Object.entries(rawHeaders as Record<string, unknown>)) {
      if (typeof value !== 'string') throw new Error(`header ${name} is ${pyJsonDumps(value)}; a header value must be text`);
      headers[name] = value;
    }
  }
  const timeout = substitute(provider.timeout ?? null, lookup);
  let connectTimeoutMs: number | undefined;
  let readTimeoutMs: number | undefined;
  if (typeof timeout === 'number') connectTimeoutMs = readTimeoutMs = timeout * 1000;
  else if (Array.isArray(timeout) && timeout.length === 2 && timeout.every((t) => typeof t === 'number' || t === null)) {
    connectTimeoutMs = timeout[0] === null ? undefined : timeout[0] * 1000;
    readTimeoutMs = timeout[1] === null ? undefined : timeout[1] * 1000;
  } else if (timeout !== null && timeout !== undefined) {
    throw new Error(`timeout is ${pyJsonDumps(timeout)}; expected seconds, or a [connect, read] pair`);
  }
  let args: unknown = provider.arguments ?? null;
  if (args && substituteArguments) args = substitute(args, lookup);
  let target = url;
  let body: string | undefined;
  if (method === 'GET') {
    const query = encodeArguments(args);
    if (query) {
      const [beforeFragment, fragment] = splitOnce(target, '#');
      target = `${beforeFragment}${beforeFragment.includes('?') ? '&' : '?'}${query}${fragment === undefined ? '' : `#${fragment}`}`;
    }
  } else if (headers['Content-Type'] === 'application/json') {
    if (args !== null && args !== undefined) body = pyJsonDumps(args);
  } else if (typeof args === 'string') {
    if (args) body = args;
  } else {
    const form = encodeArguments(args);
    if (form) {
      body = form;
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/x-www-form-urlencoded';
    }
  }
  // `requests` computes Content-Length itself, whatever the experiment's headers say.
  for (const name of Object.keys(headers)) if (['content-length', 'transfer-encoding'].includes(name.toLowerCase())) delete headers[name];
  if (body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(body));
  else if (method !== 'GET' && method !== 'HEAD') headers['Content-Length'] = '0';
  const verify = provider.verify_tls ?? true;
  return {
    url: target,
    method,
    headers,
    body,
    connectTimeoutMs,
    readTimeoutMs,
    verifyTls: typeof verify === 'string' ? verify : Boolean(verify),
    maxRetries: typeof provider.max_retries === 'number' ? provider.max_retries : 0,
  };
}

function encodeArguments(args: unknown): string {
  if (args === null || args === undefined || args === '') return '';
  if (typeof args === 'string') return args;
  if (Array.isArray(args)) return args.length === 0 ? '' : pyFormEncode(args as [unknown, unknown][]);
  if (typeof args === 'object') return pyFormEncode(args as Record<string, unknown>);
  return pyStr(args);
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

export async function runHttpCall(call: HttpCall, signal: AbortSignal): Promise<ActivityResult> {
  let current = { url: call.url, method: call.method, headers: { ...call.headers }, body: call.body };
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    let response: Exchange;
    let attempt = 0;
    for (;;) {
      try {
        response = await exchange(current, call, signal);
        break;
      } catch (error) {
        const failure = error as ExchangeError;
        if (failure.kind === 'connect' && attempt < call.maxRetries && !signal.aborted) {
          attempt++;
          continue;
        }
        return { status: 'failed', error: failure.message };
      }
    }
    const location = response.message.headers.location;
    if ([301, 302, 303, 307, 308].includes(response.status) && location && hop < MAX_REDIRECTS) {
      const next = new URL(location, current.url);
      const method = (response.status === 303 || response.status === 302) && current.method !== 'HEAD' ? 'GET' : response.status === 301 && current.method === 'POST' ? 'GET' : current.method;
      const headers = { ...current.headers };
      let body = current.body;
      if (method !== current.method || ![307, 308].includes(response.status)) {
        body = undefined;
        for (const name of Object.keys(headers)) if (['content-length', 'content-type'].includes(name.toLowerCase())) delete headers[name];
      }
      if (next.hostname !== new URL(current.url).hostname) for (const name of Object.keys(headers)) if (name.toLowerCase() === 'authorization') delete headers[name];
      current = { url: next.toString(), method, headers, body };
      continue;
    }
    return { status: 'succeeded', output: { status: response.status, headers: response.headers, body: response.body } };
  }
  return { status: 'failed', error: `more than ${MAX_REDIRECTS} redirects` };
}

interface Exchange {
  status: number;
  headers: Record<string, string>;
  body: unknown;
  message: IncomingMessage;
}

class ExchangeError extends Error {
  constructor(
    readonly kind: 'connect' | 'timeout' | 'other',
    message: string,
  ) {
    super(message);
  }
}

function exchange(req: { url: string; method: string; headers: Record<string, string>; body?: string }, call: HttpCall, signal: AbortSignal): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      reject(new ExchangeError('other', `invalid URL ${req.url}`));
      return;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      reject(new ExchangeError('other', `no connection adapters were found for ${req.url}`));
      return;
    }
    const tls = url.protocol === 'https:' ? { rejectUnauthorized: call.verifyTls !== false, ...(typeof call.verifyTls === 'string' ? { ca: readFileSync(call.verifyTls) } : {}) } : {};
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const headers = { Accept: '*/*', Connection: 'close', 'User-Agent': 'gameday (Chaos Toolkit experiment)', ...req.headers };
    let settled = false;
    const fail = (error: ExchangeError) => {
      if (settled) return;
      settled = true;
      clearTimeout(connectTimer);
      signal.removeEventListener('abort', onAbort);
      outgoing.destroy();
      reject(error);
    };
    // One connection per request (no pooled sockets): each timeout applies to this exchange alone.
    const outgoing = send(url, { method: req.method, headers, agent: false, ...tls });
    const onAbort = () => fail(new ExchangeError('other', 'interrupted: the run was stopped'));
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) onAbort();
    const connectTimer = call.connectTimeoutMs === undefined ? undefined : setTimeout(() => fail(new ExchangeError('timeout', 'activity took too long to complete (no connection within the timeout)')), call.connectTimeoutMs);
    outgoing.on('socket', (socket) => {
      const connected = () => {
        clearTimeout(connectTimer);
        if (call.readTimeoutMs !== undefined) socket.setTimeout(call.readTimeoutMs, () => fail(new ExchangeError('timeout', 'activity took too long to complete')));
      };
      if (socket.connecting) socket.once('connect', connected);
      else connected();
    });
    outgoing.on('error', (error: NodeJS.ErrnoException) => {
      const connectCodes = ['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ECONNRESET'];
      const kind = error.code && connectCodes.includes(error.code) ? 'connect' : 'other';
      fail(new ExchangeError(kind, `failed to connect to ${req.url}: ${error.code ?? error.message}`));
    });
    outgoing.on('response', (message) => {
      const chunks: Buffer[] = [];
      let size = 0;
      message.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) fail(new ExchangeError('other', `the response body is larger than ${MAX_BODY_BYTES / 1024 / 1024} MiB`));
        else chunks.push(chunk);
      });
      message.on('error', (error) => fail(new ExchangeError('other', `the response broke off: ${error.message}`)));
      message.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(connectTimer);
        signal.removeEventListener('abort', onAbort);
        const bytes = Buffer.concat(chunks);
        const headersOut = rawHeaderMap(message.rawHeaders);
        const contentType = message.headers['content-type'];
        let body: unknown;
        if (contentType === 'application/json') {
          try {
            body = JSON.parse(bytes.toString('utf8'));
          } catch {
            reject(new ExchangeError('other', 'the response says Content-Type: application/json but its body is not JSON'));
            return;
          }
        } else body = decodeText(bytes, contentType);
        resolve({ status: message.statusCode ?? 0, headers: headersOut, body, message });
      });
    });
    if (req.body !== undefined) outgoing.write(req.body);
    outgoing.end();
  });
}

/** Header names as the server wrote them; a repeated header joined with ", " (as `requests` shows it). */
function rawHeaderMap(raw: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const existing = Object.keys(out).find((name) => name.toLowerCase() === raw[i].toLowerCase());
    if (existing) out[existing] = `${out[existing]}, ${raw[i + 1]}`;
    else out[raw[i]] = raw[i + 1];
  }
  return out;
}

/** The charset the response names; text/* without one is ISO-8859-1 (as `requests` decodes it); else UTF-8. */
function decodeText(bytes: Buffer, contentType: string | undefined): string {
  const charset = /charset\s*=\s*"?([\w-]+)/i.exec(contentType ?? '')?.[1]?.toLowerCase();
  if (charset === 'iso-8859-1' || charset === 'latin1' || charset === 'latin-1' || (!charset && /^text\//i.test(contentType ?? ''))) return bytes.toString('latin1');
  if (charset === 'ascii' || charset === 'us-ascii') return bytes.toString('ascii');
  return bytes.toString('utf8');
}
