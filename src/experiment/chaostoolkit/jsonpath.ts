import { pyEquals, pyIn } from './python-values.js';

// JSONPath as Chaos Toolkit's `jsonpath` tolerance reads it (the jsonpath2 library's dialect): a path
// starts at `$`; `.name`, `["name"]`, `[0]`, `[-1]`, `[1:3]`, `*`, `..` descend; `[?(…)]` keeps the
// current value when its expression holds (`@.baz`, `@.baz = "hello"`, `<`, `>=`, `!=`, `contains`,
// `and`, `or`, `not`); `[@.key]` indexes by a value found elsewhere; `length()`, `keys()`, `values()`,
// `entries()`, `charAt(i)`, `substring(i, j)` compute. Comparisons follow Python (`1 = 1.0`, `true = 1`).

export class JsonPathError extends Error {}

type Json = unknown;
type Node = (root: Json, current: Json) => Json[];
type Expression = (root: Json, current: Json) => boolean;
type Operand = { node: Node } | { value: Json };

export function compileJsonPath(text: string): (document: Json) => Json[] {
  const parser = new Parser(tokenize(text), text);
  const node = parser.path('$');
  parser.end();
  return (document) => node(document, document);
}

interface Token {
  kind: 'punct' | 'id' | 'string' | 'number' | 'end';
  text: string;
  value?: Json;
  at: number;
}

const PUNCT = ['..', '>=', '<=', '!=', '$', '@', '.', '*', '[', ']', '(', ')', ',', ':', '?', '=', '<', '>', '{', '}'];

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const punct = PUNCT.find((p) => text.startsWith(p, i));
    const number = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?(0|[1-9]\d*))?/.exec(text.slice(i));
    if (ch === '"') {
      const match = /^"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/.exec(text.slice(i));
      if (!match) throw new JsonPathError(`unterminated string at character ${i + 1}`);
      tokens.push({ kind: 'string', text: match[0], value: JSON.parse(match[0]), at: i });
      i += match[0].length;
    } else if (number && (ch !== '-' || /\d/.test(text[i + 1] ?? ''))) {
      tokens.push({ kind: 'number', text: number[0], value: Number(number[0]), at: i });
      i += number[0].length;
    } else if (punct) {
      tokens.push({ kind: 'punct', text: punct, at: i });
      i += punct.length;
    } else if (/[_A-Za-z]/.test(ch)) {
      const id = /^[_A-Za-z][_A-Za-z0-9]*/.exec(text.slice(i))![0];
      tokens.push({ kind: 'id', text: id, at: i });
      i += id.length;
    } else {
      throw new JsonPathError(`unexpected "${ch}" at character ${i + 1}`);
    }
  }
  tokens.push({ kind: 'end', text: 'end of path', at: text.length });
  return tokens;
}

const KEYWORDS = new Set(['and', 'or', 'not', 'contains', 'true', 'false', 'null']);
const terminal: Node = (_root, current) => [current];

class Parser {
  private index = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly source: string,
  ) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)];
  }
  private is(text: string): boolean {
    const token = this.peek();
    return (token.kind === 'punct' || token.kind === 'id') && token.text === text;
  }
  private take(text?: string): Token {
    const token = this.peek();
    if (text !== undefined && !this.is(text)) this.fail(`expected "${text}"`);
    this.index++;
    return token;
  }
  private fail(what: string): never {
    const token = this.peek();
    throw new JsonPathError(`${what} at character ${token.at + 1} of "${this.source}", found ${token.kind === 'end' ? 'the end' : `"${token.text}"`}`);
  }

  end(): void {
    if (this.peek().kind !== 'end') this.fail('expected the end of the path');
  }

  /** `$…` or `@…`: the root or the current value, then its subscripts. */
  path(start?: '$' | '@'): Node {
    const origin = this.take(start).text;
    if (origin !== '$' && origin !== '@') this.fail('expected "$" or "@"');
    const next = this.subscripts();
    return origin === '$' ? (root) => next(root, root) : (root, current) => next(root, current);
  }

  private subscripts(): Node {
    if (this.is('..')) {
      this.take();
      const step = this.is('[') ? this.bracket() : this.bareword();
      const rest = this.subscripts();
      return descend(subscriptNode(step, rest));
    }
    if (this.is('.')) {
      this.take();
      const step = this.bareword();
      return subscriptNode(step, this.subscripts());
    }
    if (this.is('[')) {
      const step = this.bracket();
      return subscriptNode(step, this.subscripts());
    }
    return terminal;
  }

  private bareword(): Node[] {
    if (this.is('*')) {
      this.take();
      return [wildcard];
    }
    const token = this.peek();
    if (token.kind !== 'id' || KEYWORDS.has(token.text)) this.fail('expected a name or "*"');
    this.take();
    return [this.is('(') ? this.call(token.text) : objectIndex(token.text)];
  }

  private bracket(): Node[] {
    this.take('[');
    const steps = [this.subscriptable()];
    while (this.is(',')) {
      this.take();
      steps.push(this.subscriptable());
    }
    this.take(']');
    return steps;
  }

  private subscriptable(): Node {
    const token = this.peek();
    if (token.kind === 'string') {
      this.take();
      return objectIndex(token.value as string);
    }
    if (token.kind === 'number') {
      if (!Number.isInteger(token.value)) this.fail('expected an integer index');
      this.take();
      return this.is(':') ? this.slice(token.value as number) : arrayIndex(token.value as number);
    }
    if (this.is(':')) return this.slice(undefined);
    if (this.is('*')) {
      this.take();
      return wildcard;
    }
    if (this.is('?')) {
      this.take();
      this.take('(');
      const expression = this.expression();
      this.take(')');
      return (root, current) => (expression(root, current) ? [current] : []);
    }
    if (this.is('$') || this.is('@')) return indexBy(this.path());
    if (token.kind === 'id' && !KEYWORDS.has(token.text) && this.peek(1).text === '(') {
      this.take();
      return this.call(token.text);
    }
    return this.fail('expected a name in quotes, an index, a slice, "*", "?(…)" or a path');
  }

  private slice(start: number | undefined): Node {
    this.take(':');
    const bound = () => {
      const token = this.peek();
      if (token.kind !== 'number') return undefined;
      if (!Number.isInteger(token.value)) this.fail('expected an integer');
      this.take();
      return token.value as number;
    };
    const end = bound();
    let step: number | undefined;
    if (this.is(':')) {
      this.take();
      step = bound();
    }
    if (step === 0) this.fail('a slice step cannot be 0');
    return arraySlice(start, end, step);
  }

  private call(name: string): Node {
    this.take('(');
    const args: Operand[] = [];
    if (!this.is(')')) {
      args.push(this.operand());
      while (this.is(',')) {
        this.take();
        args.push(this.operand());
      }
    }
    this.take(')');
    const fn = FUNCTIONS[name];
    if (!fn) throw new JsonPathError(`unknown function ${name}(); known: ${Object.keys(FUNCTIONS).join(', ')}`);
    return (root, current) => product(args.map((arg) => ('node' in arg ? arg.node(root, current) : [arg.value]))).flatMap((values) => fn(current, values));
  }

  // The grammar binds `and` looser than `or`, as jsonpath2 does.
  private expression(): Expression {
    const left = this.orExpression();
    if (!this.is('and')) return left;
    this.take();
    const right = this.expression();
    return (root, current) => left(root, current) && right(root, current);
  }
  private orExpression(): Expression {
    const left = this.notExpression();
    if (!this.is('or')) return left;
    this.take();
    const right = this.orExpression();
    return (root, current) => left(root, current) || right(root, current);
  }
  private notExpression(): Expression {
    if (this.is('not')) {
      this.take();
      const inner = this.notExpression();
      return (root, current) => !inner(root, current);
    }
    if (this.is('(')) {
      this.take();
      const inner = this.expression();
      this.take(')');
      return inner;
    }
    const left = this.operand();
    const op = ['=', '!=', '<', '<=', '>', '>=', 'contains'].find((candidate) => this.is(candidate));
    if (!op) return (root, current) => ('node' in left ? left.node(root, current).length > 0 : truthy(left.value));
    this.take();
    const right = this.operand();
    const compare = COMPARISONS[op];
    return (root, current) => {
      const lefts = 'node' in left ? left.node(root, current) : [left.value];
      const rights = 'node' in right ? right.node(root, current) : [right.value];
      return lefts.some((l) => rights.some((r) => compare(l, r)));
    };
  }

  private operand(): Operand {
    if (this.is('$') || this.is('@')) return { node: this.path() };
    return { value: this.jsonValue() };
  }

  private jsonValue(): Json {
    const token = this.peek();
    if (token.kind === 'string' || token.kind === 'number') {
      this.take();
      return token.value;
    }
    if (this.is('true') || this.is('false') || this.is('null')) {
      this.take();
      return token.text === 'true' ? true : token.text === 'false' ? false : null;
    }
    if (this.is('[')) {
      this.take();
      const items: Json[] = [];
      while (!this.is(']')) {
        if (items.length > 0) this.take(',');
        items.push(this.jsonValue());
      }
      this.take(']');
      return items;
    }
    if (this.is('{')) {
      this.take();
      const object: Record<string, Json> = {};
      while (!this.is('}')) {
        if (Object.keys(object).length > 0) this.take(',');
        const key = this.peek();
        if (key.kind !== 'string') this.fail('expected a key in double quotes');
        this.take();
        this.take(':');
        object[key.value as string] = this.jsonValue();
      }
      this.take('}');
      return object;
    }
    return this.fail('expected a path ($ or @) or a JSON value');
  }
}

function isSequence(value: Json): value is Json[] {
  return Array.isArray(value);
}
function isMapping(value: Json): value is Record<string, Json> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
function truthy(value: Json): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (isMapping(value)) return Object.keys(value).length > 0;
  return Boolean(value);
}

function subscriptNode(steps: Node[], next: Node): Node {
  return (root, current) => steps.flatMap((step) => step(root, current).flatMap((value) => next(root, value)));
}

/** `..step`: the step at the current value, then at every value below it, depth first. */
function descend(step: Node): Node {
  const walk: Node = (root, current) => [...step(root, current), ...wildcard(root, current).flatMap((child) => walk(root, child))];
  return walk;
}

function objectIndex(key: string): Node {
  return (_root, current) => (isMapping(current) && Object.hasOwn(current, key) ? [current[key]] : []);
}

function arrayIndex(index: number): Node {
  return (_root, current) => {
    if (!isSequence(current)) return [];
    const at = index < 0 ? index + current.length : index;
    return at >= 0 && at < current.length ? [current[at]] : [];
  };
}

const wildcard: Node = (_root, current) => (isMapping(current) ? Object.values(current) : isSequence(current) ? [...current] : []);

function arraySlice(start: number | undefined, end: number | undefined, step: number | undefined): Node {
  return (root, current) => {
    if (!isSequence(current)) return [];
    const length = current.length;
    const from = start === undefined ? 0 : start < 0 ? start + (Math.abs(start) < length ? length : Math.abs(start)) : start;
    const to = end === undefined ? length : end < 0 ? end + length : end;
    const by = step ?? 1;
    const indices: number[] = [];
    for (let i = from; by > 0 ? i < to : i > to; i += by) indices.push(i);
    return indices.flatMap((i) => arrayIndex(i)(root, current));
  };
}

/** `[@.key]`: index the current value by each value the nested path finds (a name or a position). */
function indexBy(path: Node): Node {
  return (root, current) =>
    path(root, current).flatMap((key) => {
      if (typeof key === 'boolean' || (typeof key === 'number' && Number.isInteger(key))) return arrayIndex(Number(key))(root, current);
      return typeof key === 'string' ? objectIndex(key)(root, current) : [];
    });
}

function product(lists: Json[][]): Json[][] {
  return lists.reduce<Json[][]>((acc, list) => acc.flatMap((prefix) => list.map((item) => [...prefix, item])), [[]]);
}

const FUNCTIONS: Record<string, (current: Json, args: Json[]) => Json[]> = {
  length: (current, args) => (args.length === 0 && (isSequence(current) || typeof current === 'string') ? [[...(current as string)].length] : []),
  keys: (current, args) => (args.length > 0 ? [] : isMapping(current) ? [Object.keys(current)] : isSequence(current) ? [current.map((_, i) => i)] : []),
  values: (current, args) => (args.length > 0 ? [] : isMapping(current) ? [Object.values(current)] : isSequence(current) ? [current] : []),
  entries: (current, args) => (args.length > 0 ? [] : isMapping(current) ? [Object.entries(current)] : isSequence(current) ? [current.map((v, i) => [i, v])] : []),
  charAt: (current, args) => {
    if (typeof current !== 'string' || args.length !== 1 || !Number.isInteger(args[0])) return [];
    const chars = [...current];
    const at = (args[0] as number) < 0 ? (args[0] as number) + chars.length : (args[0] as number);
    return at >= 0 && at < chars.length ? [chars[at]] : [];
  },
  substring: (current, args) => {
    if (typeof current !== 'string' || args.length < 1 || args.length > 2 || !args.every((a) => Number.isInteger(a))) return [];
    const chars = [...current];
    const index = (i: number) => Math.max(0, Math.min(chars.length, i < 0 ? i + chars.length : i));
    return [chars.slice(index(args[0] as number), args.length === 2 ? index(args[1] as number) : chars.length).join('')];
  },
};

const numeric = (v: Json): v is number | boolean => typeof v === 'number' || typeof v === 'boolean';
const COMPARISONS: Record<string, (l: Json, r: Json) => boolean> = {
  '=': (l, r) => pyEquals(l, r),
  '!=': (l, r) => !pyEquals(l, r),
  '<': (l, r) => numeric(l) && numeric(r) && Number(l) < Number(r),
  '<=': (l, r) => numeric(l) && numeric(r) && Number(l) <= Number(r),
  '>': (l, r) => numeric(l) && numeric(r) && Number(l) > Number(r),
  '>=': (l, r) => numeric(l) && numeric(r) && Number(l) >= Number(r),
  contains: (l, r) => {
    if (typeof l === 'string') return typeof r === 'string' && l.includes(r);
    if (isSequence(l)) return pyIn(r, l);
    if (isMapping(l)) return typeof r === 'string' && Object.hasOwn(l, r);
    return false;
  },
};
