import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isMap, isNode, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { formatPath, formatProblem, type Problem } from '../experiment/load-file.js';
import { FleetDeclarationSchema, type FleetDeclaration } from './declaration.js';

// Reading a fleet declaration file (YAML, or JSON which YAML reads too) for `gameday fleet`: the same
// schema as Fleet.start, every problem reported at once as `file:line:column field.path: message`, in the
// experiment loader's format (its formatPath/formatProblem are reused).

export class FleetFileError extends Error {
  constructor(readonly problems: Problem[]) {
    super(problems.map(formatProblem).join('\n'));
  }
}

export function loadFleetFile(file: string): FleetDeclaration {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new FleetFileError([{ file, line: 0, column: 0, path: '', message: `cannot read the file (${(error as NodeJS.ErrnoException).code ?? error})` }]);
  }
  return parseFleetFile(text, file);
}

export function parseFleetFile(text: string, file: string): FleetDeclaration {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new FleetFileError(doc.errors.map((error) => {
      const at = lines.linePos(error.pos[0]);
      return { file, line: at.line, column: at.col, path: '', message: `not valid YAML or JSON: ${error.message.split('\n')[0]}` };
    }));
  }
  const result = FleetDeclarationSchema.safeParse(doc.toJS());
  if (!result.success) throw new FleetFileError(result.error.issues.flatMap((issue) => toProblems(issue, file, doc, lines)));
  // Commands and working directories are relative to the file, so a declaration runs from anywhere.
  const base = dirname(resolve(file));
  const declaration = doc.toJS() as FleetDeclaration;
  for (const service of declaration.services) service.cwd = resolve(base, service.cwd ?? '.');
  return declaration;
}

function toProblems(issue: z.core.$ZodIssue, file: string, doc: Document, lines: LineCounter): Problem[] {
  const at = (path: readonly PropertyKey[], key?: string) => {
    const { line, col } = lines.linePos(offsetOf(doc, path, key));
    return { file, line, column: col };
  };
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ ...at(issue.path, key), path: formatPath([...issue.path, key]), message: 'unknown field (check its spelling; see docs/fleet.md)' }));
  }
  const message = issue.code === 'invalid_type' && issue.input === undefined ? `missing; expected ${issue.expected}` : issue.message;
  return [{ ...at(issue.path), path: formatPath(issue.path), message }];
}

/** Where the value at `path` starts (or its unknown key, or, for a missing field, its nearest parent). */
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
