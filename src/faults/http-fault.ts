// What the three HTTP faults share: the share of requests and the request match, in the proxy's attributes.
export interface HttpMatch {
  percentage?: number;
  match?: { method?: string; path?: string; header?: string };
}

export function httpAttributes(p: HttpMatch): Record<string, unknown> {
  const attributes: Record<string, unknown> = { percentage: Math.round((p.percentage ?? 1) * 100 * 1e6) / 1e6 };
  if (p.match?.method) attributes.method = p.match.method;
  if (p.match?.path) attributes.path_prefix = p.match.path;
  if (p.match?.header) attributes.header = p.match.header;
  return attributes;
}

export function describeHttp(p: HttpMatch): string {
  const parts = [p.match?.method, p.match?.path ? `${p.match.path}*` : undefined, p.match?.header ? `[${p.match.header}]` : undefined];
  const what = parts.filter(Boolean).join(' ') || 'all requests';
  return `${Math.round((p.percentage ?? 1) * 1000) / 10}% of ${what}`;
}
