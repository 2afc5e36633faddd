import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyRequest } from 'fastify';

// Every asset a page needs is served by the control room from the package itself: no CDN, no build step,
// works offline. Our own browser scripts are TypeScript compiled by the project's tsc like everything else
// (dist/src/<capability>/client/*.js); libraries are served from node_modules as their package ships them.
// Files are read once, at start, and served with an ETag so that a reload costs a 304.

export interface Asset {
  /** The URL path, e.g. /assets/uplot.js. */
  path: string;
  file: string;
  type: string;
}

const require = createRequire(import.meta.url);

/** A file of an npm package, by its path inside the package (`uplot`, `dist/uPlot.iife.min.js`). */
export function packageFile(pkg: string, file: string): string {
  return require.resolve(`${pkg}/${file}`);
}

/** A file compiled from src/ beside the calling module (`import.meta.url`), e.g. './client/live.js'. */
export function compiledFile(relative: string, from: string): string {
  return fileURLToPath(new URL(relative, from));
}

/** uPlot's stylesheet, for a page's inline <style> (the pages' CSP allows no stylesheet from a URL). */
export const UPLOT_CSS = readFileSync(packageFile('uplot', 'dist/uPlot.min.css'), 'utf8');
export const UPLOT_ASSET: Asset = { path: '/assets/uplot.js', file: packageFile('uplot', 'dist/uPlot.iife.min.js'), type: 'text/javascript' };

const served = new WeakMap<FastifyInstance, Set<string>>();

/** Serves the assets; one path is served once per app, whichever module asks first (several pages share uPlot). */
export function serveAssets(app: FastifyInstance, assets: readonly Asset[]): void {
  let paths = served.get(app);
  if (!paths) served.set(app, (paths = new Set()));
  for (const asset of assets) {
    if (paths.has(asset.path)) continue;
    paths.add(asset.path);
    const body = readFileSync(asset.file);
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    app.get(asset.path, (request: FastifyRequest, reply) => {
      reply.header('etag', etag).header('cache-control', 'no-cache').header('x-content-type-options', 'nosniff');
      if (request.headers['if-none-match'] === etag) return reply.code(304).send();
      return reply.type(`${asset.type}; charset=utf-8`).send(body);
    });
  }
}
