import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { EdgeRequest, Refusal } from '../control-plane/guard.js';

// The control room's own forms carry a token that a page of another site cannot read. The guard already
// refuses a cross-site state change (Origin, Sec-Fetch-Site); this is the second lock, for the browser that
// sends neither or gets them wrong: every state change a browser makes must name the token of its session.
//
// A session is a random id in a cookie (HttpOnly, SameSite=Strict: never sent on a request another site
// starts). Its token is HMAC(secret of this control room, session id): only a page this control room
// served knows it — the same-origin policy keeps it from every other page — and it is worthless without the
// cookie it belongs to. Forms carry it in their action URL (`?form-token=`), because the guard checks a
// request before its body is read; a script sends it in the X-GameDay-Form-Token header. A restarted
// control room has a new secret: a page opened before says "reload the page" instead of acting.

export const FORM_TOKEN_HEADER = 'x-gameday-form-token';
export const FORM_TOKEN_PARAM = 'form-token';
const SESSION_COOKIE = 'gameday_session';

export interface IssuedToken {
  token: string;
  /** A Set-Cookie header value when the browser had no session yet. */
  setCookie?: string;
}

export class FormTokens {
  private readonly secret = randomBytes(32);

  /** The token for the browser that sent these headers, opening a session for it if it has none. */
  issue(headers: IncomingHttpHeaders): IssuedToken {
    const existing = sessionOf(headers);
    if (existing) return { token: this.tokenOf(existing) };
    const session = randomBytes(18).toString('base64url');
    return { token: this.tokenOf(session), setCookie: `${SESSION_COOKIE}=${session}; Path=/; HttpOnly; SameSite=Strict` };
  }

  /** The guard's seam (EdgeGuardOptions.browserStateChange): a browser's state change must carry its session's token. */
  readonly check = (request: EdgeRequest): Refusal | null => {
    const session = sessionOf(request.headers);
    const given = single(request.headers[FORM_TOKEN_HEADER]) ?? tokenInUrl(request.url);
    if (session && given && sameText(given, this.tokenOf(session))) return null;
    return {
      status: 403,
      message: session
        ? 'refused: this change did not carry the form token of your session (the page may be older than the control room): reload the page and try again'
        : 'refused: a browser changes state only from the control room\'s own pages (no session cookie was sent): open the page and use its form',
    };
  };

  private tokenOf(session: string): string {
    return createHmac('sha256', this.secret).update(session).digest('base64url');
  }
}

/** A form's action: the path with the page's token in its query. */
export function formAction(path: string, token: string): string {
  return `${path}${path.includes('?') ? '&' : '?'}${FORM_TOKEN_PARAM}=${encodeURIComponent(token)}`;
}

function sessionOf(headers: IncomingHttpHeaders): string | undefined {
  for (const part of (headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE && /^[A-Za-z0-9_-]{16,64}$/.test(value.join('='))) return value.join('=');
  }
  return undefined;
}

function tokenInUrl(url: string | undefined): string | undefined {
  if (!url?.includes(`${FORM_TOKEN_PARAM}=`)) return undefined;
  return new URL(url, 'http://localhost').searchParams.get(FORM_TOKEN_PARAM) ?? undefined;
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
