// Chaos Toolkit is Python: the values an experiment hands to a process, a query string or a tolerance
// are turned into text, compared and encoded the way Python does it (`str(True)` is "True", `1 == 1.0`,
// `json.dumps` puts a space after each comma). These helpers give the same answers from JavaScript values,
// so an experiment sends the same bytes and reaches the same verdict here as under `chaos run`.

type Value = unknown;

/** Python's str(): what `"${x}"` inside a longer string and a process argument become. */
export function pyStr(value: Value): string {
  if (typeof value === 'string') return value;
  return pyRepr(value);
}

/** Python's repr() of a JSON value (strings quoted, True/False/None, dicts with ': '). */
export function pyRepr(value: Value): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return pyNumber(value);
  if (typeof value === 'string') return pyStringRepr(value);
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, Value>).map(([k, v]) => `${pyStringRepr(k)}: ${pyRepr(v)}`).join(', ')}}`;
  }
  return String(value);
}

/** An integer prints as Python's int; anything else as Python's float repr (1e-06, 1e+16, 0.5). */
function pyNumber(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  if (Number.isInteger(n) && Math.abs(n) < 1e16) return String(n);
  const text = String(n);
  // JavaScript writes 1e-7 and 1e+21; Python pads the exponent to two digits and switches to it at 1e16.
  if (text.includes('e')) return text.replace(/e([+-])(\d)$/, 'e$10$2');
  if (Math.abs(n) >= 1e16) return n.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  return text;
}

function pyStringRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}

/** Python's `==` between JSON values: True == 1, 1 == 1.0, lists and dicts compared deeply. */
export function pyEquals(a: Value, b: Value): boolean {
  const numeric = (v: Value) => typeof v === 'number' || typeof v === 'boolean';
  if (numeric(a) && numeric(b)) return Number(a) === Number(b);
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => pyEquals(v, b[i]));
  }
  if (typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a as object);
    const kb = Object.keys(b as object);
    return ka.length === kb.length && ka.every((k) => Object.hasOwn(b as object, k) && pyEquals((a as Record<string, Value>)[k], (b as Record<string, Value>)[k]));
  }
  return false;
}

/** Python's `x in sequence`. */
export function pyIn(needle: Value, haystack: readonly Value[]): boolean {
  return haystack.some((item) => pyEquals(item, needle));
}

/** Python's json.dumps() with its defaults: ', ' and ': ' separators, non-ASCII escaped. */
export function pyJsonDumps(value: Value): string {
  if (value === null || value === undefined) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (typeof value === 'number') return Number.isInteger(value) && Math.abs(value) < 1e16 ? String(value) : pyNumber(value);
  if (typeof value === 'string') return jsonString(value);
  if (Array.isArray(value)) return `[${value.map(pyJsonDumps).join(', ')}]`;
  return `{${Object.entries(value as Record<string, Value>).map(([k, v]) => `${jsonString(k)}: ${pyJsonDumps(v)}`).join(', ')}}`;
}

function jsonString(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    const code = text.charCodeAt(i);
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Python's urllib.parse.quote_plus(): only letters, digits and _.-~ stay as they are; spaces become '+'. */
export function pyQuotePlus(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const ch = String.fromCharCode(byte);
    if (/[A-Za-z0-9_.\-~]/.test(ch)) out += ch;
    else if (ch === ' ') out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * The form encoding the `requests` library gives a mapping of arguments (query string of a GET, body of
 * a POST): a list value repeats its key, None values are dropped, a mapping value contributes its keys.
 */
export function pyFormEncode(args: Record<string, Value> | readonly (readonly [Value, Value])[]): string {
  const pairs: [string, string][] = [];
  const entries = Array.isArray(args) ? (args as [Value, Value][]) : Object.entries(args as Record<string, Value>);
  for (const [key, raw] of entries) {
    const values = typeof raw === 'string' || raw === null || typeof raw !== 'object' ? [raw] : Array.isArray(raw) ? raw : Object.keys(raw as object);
    for (const value of values) if (value !== null && value !== undefined) pairs.push([pyStr(key), pyStr(value)]);
  }
  return pairs.map(([k, v]) => `${pyQuotePlus(k)}=${pyQuotePlus(v)}`).join('&');
}
