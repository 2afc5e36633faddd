import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FormTokens } from './form-token.js';
import { escapeHtml, pageHeaders, renderPage, type PageOptions } from './page.js';

// Sends one control-room page: its session and form token (form-token.ts), the headers every page has
// (pageHeaders: the CSP as a header, no framing, no caching), and the <meta> lines the shared script reads
// (the page's live stream, its token, the server's clock). Any capability's page goes out through here.

export interface SentPage extends Omit<PageOptions, 'body'> {
  /** The page's content, given the form token its forms must carry (formAction). */
  body: (formToken: string) => string;
  /** The page's event stream (fragments to swap in), if it has live parts. */
  stream?: string;
}

export function sendPage(request: FastifyRequest, reply: FastifyReply, forms: FormTokens, page: SentPage, status = 200): FastifyReply {
  const issued = forms.issue(request.headers);
  const { body, stream, ...options } = page;
  const shell: Omit<PageOptions, 'body'> = { connect: true, forms: true, ...options };
  const head = [
    `<meta name="gameday-form-token" content="${escapeHtml(issued.token)}">`,
    `<meta name="gameday-now" content="${Date.now()}">`,
    stream ? `<meta name="gameday-stream" content="${escapeHtml(stream)}">` : '',
    options.head ?? '',
  ].join('');
  reply.code(status).headers(pageHeaders(shell));
  if (issued.setCookie) reply.header('set-cookie', issued.setCookie);
  return reply.send(renderPage({ ...shell, head, body: body(issued.token) }));
}
