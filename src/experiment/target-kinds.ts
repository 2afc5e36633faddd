import { z } from 'zod';
import type { ResolvedTarget } from '../faults/fault.js';
import { proxyControlFor } from '../faults/proxy-control.js';

// Target kinds are open to extension the same way fault kinds are: each declares its YAML fields (`kind` +
// its own) and how to resolve a declaration into the concrete targets it names. Resolution talks to the
// holding component, so an unreachable target is found before anything is touched.

/** The experiment is invalid or a target cannot be reached: exit 3, nothing touched. */
export class TargetError extends Error {}

export interface TargetKind {
  kind: string;
  summary: string;
  schema: z.ZodObject<{ kind: z.ZodLiteral<string> } & z.ZodRawShape>;
  resolve(name: string, declaration: Record<string, unknown>): Promise<ResolvedTarget[]>;
}

/** `*` matches any run of characters; nothing else is special, so a proxy name is its own selector. */
export function globMatcher(pattern: string): (name: string) => boolean {
  const source = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  const regex = new RegExp(`^${source}$`);
  return (name) => regex.test(name);
}

const proxyTargetSchema = z
  .object({
    kind: z.literal('proxy'),
    control: z.url().default('http://127.0.0.1:8474').meta({ description: "The proxy's control API (Toxiproxy-compatible)" }),
    token: z.string().optional().meta({ description: 'Access token of a control API bound beyond loopback' }),
    proxy: z.string().optional().meta({ description: 'The proxy name (exactly one proxy)' }),
    match: z.string().optional().meta({ description: 'A selector over proxy names, e.g. "recs-*"; needs `max`' }),
    max: z.number().int().positive().optional().meta({ description: 'The declared blast radius: how many proxies `match` may select' }),
  })
  .strict()
  .refine((t) => (t.proxy === undefined) !== (t.match === undefined), { error: 'give exactly one of `proxy` or `match`' })
  .refine((t) => t.match === undefined || t.max !== undefined, { error: '`match` needs `max`, the most proxies it may select', path: ['max'] });

type ProxyTarget = z.output<typeof proxyTargetSchema>;

export const proxyTargetKind: TargetKind = {
  kind: 'proxy',
  summary: 'A link through the GameDay fault proxy (or any Toxiproxy-compatible API)',
  schema: proxyTargetSchema as unknown as TargetKind['schema'],
  async resolve(name, declaration) {
    const decl = declaration as ProxyTarget;
    const control = proxyControlFor({ controlUrl: decl.control, token: decl.token });
    let proxies: string[];
    try {
      proxies = Object.keys(await control.listProxies());
    } catch (error) {
      // The client's message names the proxy, its URL and what to do (start it, give the token).
      throw new TargetError(`target ${name}: ${(error as Error).message}`);
    }
    const selected = decl.proxy !== undefined ? proxies.filter((p) => p === decl.proxy) : proxies.filter(globMatcher(decl.match!));
    if (selected.length === 0) {
      throw new TargetError(`target ${name}: no proxy ${decl.proxy !== undefined ? `named "${decl.proxy}"` : `matches "${decl.match}"`} on ${decl.control}; it has: ${proxies.join(', ') || '(none)'}`);
    }
    if (decl.max !== undefined && selected.length > decl.max) {
      throw new TargetError(`target ${name}: "${decl.match}" selects ${selected.length} proxies (${selected.join(', ')}) but the declared blast radius is max ${decl.max}; refusing`);
    }
    return selected.map((proxy) => ({ name, kind: 'proxy', controlUrl: decl.control, token: decl.token, selector: proxy }));
  },
};


export function targetKind(kind: string, targetKinds: readonly TargetKind[]): TargetKind {
  const found = targetKinds.find((candidate) => candidate.kind === kind);
  if (!found) throw new TargetError(`unknown target kind "${kind}"; known: ${targetKinds.map((t) => t.kind).join(', ')}`);
  return found;
}
