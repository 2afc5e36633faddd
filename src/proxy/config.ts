import { readFileSync } from 'node:fs';
import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { ProxySpec } from './types.js';

// Loads a proxy config in Toxiproxy's populate format (a JSON array of {name, listen, upstream,
// enabled}; `protocol` is our additive field). Errors name the file, the line and column, and the field.

export class ProxyConfigError extends Error {}

const FIELDS: Record<string, (value: unknown) => string | null> = {
  name: (v) => (typeof v === 'string' && v.length > 0 ? null : 'a non-empty string'),
  listen: (v) => (typeof v === 'string' && /^.*:\d{1,5}$/.test(v) ? null : 'host:port, e.g. "127.0.0.1:6380"'),
  upstream: (v) => (typeof v === 'string' && /^.+:\d{1,5}$/.test(v) ? null : 'host:port, e.g. "127.0.0.1:6379"'),
  enabled: (v) => (typeof v === 'boolean' ? null : 'true or false'),
  protocol: (v) => (v === 'tcp' || v === 'http' ? null : '"tcp" or "http"'),
};
const REQUIRED = ['name', 'upstream'];

export function loadProxyConfig(path: string): ProxySpec[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ProxyConfigError(`${path}: cannot read the proxy config (${(error as NodeJS.ErrnoException).code ?? error})`);
  }
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const at = (node: Node | null | undefined) => {
    const position = lines.linePos(node?.range?.[0] ?? 0);
    return `${path}:${position.line}:${position.col}`;
  };
  if (document.errors.length > 0) {
    const error = document.errors[0];
    const position = lines.linePos(error.pos[0]);
    throw new ProxyConfigError(`${path}:${position.line}:${position.col}: not valid JSON: ${error.message.split('\n')[0]}`);
  }
  const root = document.contents;
  if (!isSeq(root)) {
    throw new ProxyConfigError(`${at(root)}: expected a JSON array of proxies like [{"name": "redis", "listen": "127.0.0.1:26379", "upstream": "127.0.0.1:6379"}]`);
  }
  const specs: ProxySpec[] = [];
  const names = new Set<string>();
  root.items.forEach((item, index) => {
    if (!isMap(item)) throw new ProxyConfigError(`${at(item as Node)}: [${index}]: expected an object with name, listen and upstream`);
    const value = item.toJSON() as Record<string, unknown>;
    for (const field of REQUIRED) {
      if (value[field] === undefined) throw new ProxyConfigError(`${at(item)}: [${index}].${field}: missing required field`);
    }
    for (const pair of item.items) {
      const key = String((pair.key as { value?: unknown })?.value ?? pair.key);
      const check = FIELDS[key];
      if (!check) continue; // Toxiproxy ignores fields it does not know; so do we.
      const problem = check(value[key]);
      if (problem) {
        throw new ProxyConfigError(`${at(pair.value as Node)}: [${index}].${key}: expected ${problem}, got ${JSON.stringify(value[key])}`);
      }
    }
    if (names.has(value.name as string)) throw new ProxyConfigError(`${at(item)}: [${index}].name: "${value.name}" appears twice`);
    names.add(value.name as string);
    specs.push({
      name: value.name as string,
      listen: (value.listen as string | undefined) ?? '127.0.0.1:0',
      upstream: value.upstream as string,
      enabled: value.enabled as boolean | undefined,
      protocol: value.protocol as ProxySpec['protocol'],
    });
  });
  return specs;
}
