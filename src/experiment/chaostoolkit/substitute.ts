import { pyStr } from './python-values.js';

// `${name}` substitution as Chaos Toolkit does it (Python's string.Template, safe mode): `$name` and
// `${name}` are replaced by the first value found in the configuration, then in each secrets scope in the
// order they are declared; `$$` is a literal `$`; a name found nowhere is left as written. A string that is
// exactly one `${name}` takes the value with its type (a number stays a number); anywhere else the value
// is written the way Python prints it. Keys of mappings are never substituted.

export type Lookup = ReadonlyMap<string, unknown>;

/** The names `${…}` can see: configuration first, then every secrets scope, in declaration order. */
export function lookupOf(configuration: Record<string, unknown>, secrets: Record<string, Record<string, unknown>>): Map<string, unknown> {
  const lookup = new Map<string, unknown>();
  for (const scope of Object.values(secrets).reverse()) for (const [key, value] of Object.entries(scope)) lookup.set(key, value);
  for (const [key, value] of Object.entries(configuration)) lookup.set(key, value);
  return lookup;
}

const PATTERN = /\$(?:(\$)|([_a-z][_a-z0-9]*)|\{([_a-z][_a-z0-9]*)\}|())/gi;
const WHOLE = /^\$\{([_a-z][_a-z0-9]*)\}$/i;

export function substituteString(text: string, lookup: Lookup): unknown {
  const whole = WHOLE.exec(text);
  if (whole && lookup.has(whole[1])) return lookup.get(whole[1]);
  return text.replace(PATTERN, (match, escaped: string | undefined, named: string | undefined, braced: string | undefined) => {
    if (escaped !== undefined) return '$';
    const name = named ?? braced;
    if (name !== undefined && lookup.has(name)) return pyStr(lookup.get(name));
    return match;
  });
}

/** Substitutes inside strings, lists and mappings, recursively; other values and empty ones as they are. */
export function substitute<T>(data: T, lookup: Lookup): T | unknown {
  if (isEmpty(data)) return data;
  if (typeof data === 'string') return substituteString(data, lookup);
  if (Array.isArray(data)) return data.map((item) => substituteLeaf(item, lookup));
  if (data !== null && typeof data === 'object') {
    return Object.fromEntries(Object.entries(data as Record<string, unknown>).map(([key, value]) => [key, substituteLeaf(value, lookup)]));
  }
  return data;
}

function substituteLeaf(value: unknown, lookup: Lookup): unknown {
  if (typeof value === 'string') return substituteString(value, lookup);
  if (value !== null && typeof value === 'object') return substitute(value, lookup);
  return value;
}

/** Python's truthiness of "no data": '', [], {}, 0, None and False are handed back untouched. */
function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined || value === '' || value === 0 || value === false) return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value as object).length === 0;
}
