import type { FastifyInstance } from 'fastify';

// A page and an API may share a path: `GET /levers` is the lever list as JSON for the CLI and the
// OpenFeature provider, and the levers page for a person's browser, which asks for text/html. A page
// route is registered with `{ constraints: PAGE }` beside the API's route; a request that does not ask
// for HTML never reaches it.

export const PAGE = { page: 'html' } as const;

/** Lets routes be constrained to browsers asking for HTML; safe to call from every module that serves pages. */
export function acceptPageRoutes(app: FastifyInstance): void {
  if (app.hasConstraintStrategy('page')) return;
  app.addConstraintStrategy({
    name: 'page',
    storage() {
      const handlers = new Map<string, unknown>();
      return { get: (value: string) => (handlers.get(value) ?? null) as never, set: (value: string, handler: unknown) => void handlers.set(value, handler) };
    },
    deriveConstraint: (request: { headers: Record<string, string | string[] | undefined> }) => (wantsHtml(request.headers.accept) ? 'html' : undefined),
    mustMatchWhenDerived: false,
  });
}

/**
 * Reads the pages' forms (application/x-www-form-urlencoded) for every module at once: one parser per
 * app, so no module's choice depends on which registered first. A field sent more than once (a set of
 * checkboxes) is a list; once, a string.
 */
export function acceptForms(app: FastifyInstance): void {
  if (app.hasContentTypeParser('application/x-www-form-urlencoded')) return;
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    const form = new URLSearchParams(body as string);
    done(null, Object.fromEntries([...new Set(form.keys())].map((key) => [key, form.getAll(key).length > 1 ? form.getAll(key) : form.get(key)])));
  });
}

function wantsHtml(accept: string | string[] | undefined): boolean {
  return (Array.isArray(accept) ? accept.join(',') : (accept ?? '')).includes('text/html');
}
