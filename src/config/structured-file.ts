import { readFileSync } from 'node:fs';
import { isMap, isNode, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';

// Reading the files users hand us (experiments, fleet declarations, journals): YAML, or JSON which YAML
// reads too, validated by a zod schema. Every problem is reported as `file:line:column field.path: what
// was expected`, all of them at once, so a user fixes a file in one pass.

export interface Problem {
  file: string;
  line: number;
  column: number;
  path: string;
  message: string;
}

/** The file is invalid: callers exit 3 and touch nothing. */
export class FileProblemsError extends Error {
  constructor(readonly problems: Problem[]) {
    super(problems.map(formatProblem).join('\n'));
  }
}

export function formatProblem(p: Problem): string {
  // Line 0 means "the file as a whole" (it could not be read): no position to point at.
  if (p.line === 0) return `${p.message}`;
  return `${p.file}:${p.line}:${p.column}${p.path ? ` ${p.path}` : ''}: ${p.message}`;
}

/** `method[2].fault.latency`, the way a user would point at it. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`)).join('');
}

/** The file's text, or a problem that says in words why it cannot be read. */
export function readUserFile(file: string, Failure: new (problems: Problem[]) => FileProblemsError = FileProblemsError): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : (code ?? (error as Error).message);
    throw new Failure([{ file, line: 0, column: 0, path: '', message: `cannot read ${file}: ${why}` }]);
  }
}

export interface StructuredDocument {
  file: string;
  /** The plain JavaScript value of the document. */
  value: unknown;
  /** Line and column of the node at `path` (or of the unknown key `key` in it), else of its nearest ancestor. */
  locate(path: readonly PropertyKey[], key?: string): { line: number; column: number };
}

/**
 * Parses YAML or JSON, keeping positions; syntax errors (and duplicate keys, unless `uniqueKeys` is false:
 * then the last one wins, as in Python's json) become problems.
 */
export function parseStructured(
  text: string,
  file: string,
  Failure: new (problems: Problem[]) => FileProblemsError = FileProblemsError,
  options: { uniqueKeys?: boolean } = {},
): StructuredDocument {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: options.uniqueKeys ?? true });
  if (doc.errors.length > 0) {
    throw new Failure(
      doc.errors.map((error) => {
        const at = lineCounter.linePos(error.pos[0]);
        return { file, line: at.line, column: at.col, path: '', message: `not valid YAML or JSON: ${error.message.split('\n')[0]}` };
      }),
    );
  }
  return {
    file,
    value: doc.toJS(),
    locate: (path, key) => {
      const at = lineCounter.linePos(offsetOf(doc, path, key));
      return { line: at.line, column: at.col };
    },
  };
}

/**
 * The schema's complaints as problems in file order. The schema must be run with `reportInput: true`:
 * without the input zod cannot tell a missing field from one of the wrong type. `unknownFieldHint` says where the valid fields are
 * listed; `locate` may be a stand-in when the validated value was converted from the file (Chaos Toolkit).
 */
export function schemaProblems(
  issues: readonly z.core.$ZodIssue[],
  file: string,
  locate: StructuredDocument['locate'],
  unknownFieldHint: string,
): Problem[] {
  const problems: Problem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        problems.push({ file, ...locate(issue.path, key), path: formatPath([...issue.path, key]), message: `unknown field (check its spelling; ${unknownFieldHint})` });
      }
    } else {
      problems.push({ file, ...locate(issue.path), path: formatPath(issue.path), message: describeIssue(issue) });
    }
  }
  return problems.sort((a, b) => a.line - b.line || a.column - b.column);
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && issue.input === undefined) return `missing; expected ${issue.expected}`;
  // A union of simple types (e.g. a number or a "200/s" string): the union's own message says what is expected.
  if (issue.code === 'invalid_union' && issue.errors.length > 0 && issue.errors.every((e) => e.length > 0)) return issue.message;
  if (issue.code === 'invalid_union' && 'discriminator' in issue && issue.discriminator) {
    return `expected one of ${((issue as { options?: unknown[] }).options ?? []).join(', ')}`;
  }
  if (issue.code === 'invalid_value') return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  if (issue.code === 'invalid_type') return issue.message.startsWith('Invalid input') ? `expected ${issue.expected}, got ${kindOf(issue.input)}` : issue.message;
  return issue.message;
}

/** What a user wrote, in the words of a schema: "number", "null", "array" … */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'mapping';
  return typeof value;
}

/** Where the value at `path` starts (or its unknown key `key`), else its nearest ancestor: a missing field. */
function offsetOf(doc: Document, path: readonly PropertyKey[], key?: string): number {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth) as unknown[], true);
    if (!isNode(node)) continue;
    if (key !== undefined && depth === path.length && isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === key);
      if (pair && isNode(pair.key) && pair.key.range) return pair.key.range[0];
    }
    if (node.range) return node.range[0];
  }
  return 0;
}
