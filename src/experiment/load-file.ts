import { readFile } from 'node:fs/promises';
import { isMap, isNode, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { experimentSchema, type Experiment } from './schema.js';
import { fromChaosToolkit, isChaosToolkit } from './chaostoolkit.js';

// Reading an experiment file: YAML (or JSON, which YAML reads too), optionally a Chaos Toolkit experiment,
// validated by the schema. Every problem is reported as `file:line:column field.path: what was expected`,
// all of them at once, so a user fixes a file in one pass.

export interface Problem {
  file: string;
  line: number;
  column: number;
  path: string;
  message: string;
}

/** The experiment file is invalid: exit 3, nothing touched. */
export class ExperimentFileError extends Error {
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

export interface LoadedExperiment {
  experiment: Experiment;
  file: string;
  /** 'gameday' or 'chaostoolkit' — imported experiments say so in the journal. */
  format: 'gameday' | 'chaostoolkit';
}

export async function loadExperimentFile(file: string): Promise<LoadedExperiment> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : (code ?? (error as Error).message);
    throw new ExperimentFileError([{ file, line: 0, column: 0, path: '', message: `cannot read ${file}: ${why}` }]);
  }
  return parseExperiment(text, file);
}

export function parseExperiment(text: string, file: string): LoadedExperiment {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ExperimentFileError(
      doc.errors.map((error) => {
        const at = lineCounter.linePos(error.pos[0]);
        return { file, line: at.line, column: at.col, path: '', message: error.message.split('\n')[0] };
      }),
    );
  }
  const raw: unknown = doc.toJS();
  const locate = (path: readonly PropertyKey[], keyOfUnknown?: string) => positionOf(doc, lineCounter, path, keyOfUnknown);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ExperimentFileError([{ file, line: 1, column: 1, path: '', message: 'expected a mapping with title, targets, hypothesis, method …' }]);
  }
  let input = raw;
  let format: LoadedExperiment['format'] = 'gameday';
  if (isChaosToolkit(raw as Record<string, unknown>)) {
    format = 'chaostoolkit';
    const imported = fromChaosToolkit(raw as Record<string, unknown>);
    if (imported.problems.length > 0) {
      throw new ExperimentFileError(imported.problems.map((p) => ({ file, ...locate(p.path), path: formatPath(p.path), message: p.message })));
    }
    input = imported.experiment;
  }
  const result = experimentSchema.safeParse(input);
  if (!result.success) {
    // Chaos Toolkit paths do not map onto our model one to one; their positions are the nearest we have.
    throw new ExperimentFileError(issuesToProblems(result.error.issues, file, locate));
  }
  return { experiment: result.data, file, format };
}

function issuesToProblems(
  issues: z.core.$ZodIssue[],
  file: string,
  locate: (path: readonly PropertyKey[], key?: string) => { line: number; column: number },
): Problem[] {
  const problems: Problem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        problems.push({ file, ...locate(issue.path, key), path: formatPath([...issue.path, key]), message: 'unknown field (check its spelling; see `gameday schema`)' });
      }
    } else if (issue.code === 'invalid_union' && issue.errors.length > 0 && issue.errors.every((e) => e.length > 0)) {
      // A union of simple types (e.g. a number or a "200/s" string): the union's own message says what is expected.
      problems.push({ file, ...locate(issue.path), path: formatPath(issue.path), message: issue.message });
    } else {
      problems.push({ file, ...locate(issue.path), path: formatPath(issue.path), message: describeIssue(issue) });
    }
  }
  return problems.sort((a, b) => a.line - b.line || a.column - b.column);
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && issue.input === undefined) return `missing; expected ${issue.expected}`;
  if (issue.code === 'invalid_union' && 'discriminator' in issue && issue.discriminator) {
    return `expected one of ${((issue as { options?: unknown[] }).options ?? []).join(', ')}`;
  }
  if (issue.code === 'invalid_value') return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  if (issue.code === 'invalid_type') return issue.message.startsWith('Invalid input') ? `expected ${issue.expected}` : issue.message;
  return issue.message;
}

/** Line and column of the node at `path`, or of its nearest ancestor that exists (a missing field). */
function positionOf(doc: Document, lineCounter: LineCounter, path: readonly PropertyKey[], keyOfUnknown?: string): { line: number; column: number } {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth) as unknown[], true) ?? (depth === 0 ? doc.contents : undefined);
    if (!isNode(node)) continue;
    let target: Node = node;
    if (depth === path.length && keyOfUnknown !== undefined && isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === keyOfUnknown);
      if (pair && isNode(pair.key)) target = pair.key;
    }
    const offset = target.range?.[0];
    if (offset !== undefined) {
      const at = lineCounter.linePos(offset);
      return { line: at.line, column: at.col };
    }
  }
  return { line: 1, column: 1 };
}
