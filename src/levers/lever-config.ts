import { readFileSync } from 'node:fs';
import { LineCounter, isNode, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { leverDeclaration, type LeverDeclaration } from './lever.js';

// levers.yaml (JSON accepted): the levers a team declares up front, reviewed like code.
//   levers:
//     - name: disable-recommendations
//       description: hide recommendations on the product page
//       critical_path: checkout (team shop)

const leverConfig = z.strictObject({
  levers: z.array(leverDeclaration).superRefine((levers, ctx) => {
    const seen = new Map<string, number>();
    levers.forEach((lever, index) => {
      const first = seen.get(lever.name);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `"${lever.name}" is declared twice (first at levers[${first}])` });
      else seen.set(lever.name, index);
    });
  }),
});

export class LeverConfigError extends Error {
  override name = 'LeverConfigError';
}

export function loadLeverConfig(file: string): LeverDeclaration[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new LeverConfigError(`${file}: cannot read the lever declarations (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return parseLeverConfig(text, file);
}

/** Parses and validates; every problem is reported as file:line:column, field path, what was expected. */
export function parseLeverConfig(text: string, file = 'levers.yaml'): LeverDeclaration[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    const error = doc.errors[0];
    const { line, col } = lines.linePos(error.pos[0]);
    throw new LeverConfigError(`${file}:${line}:${col}: not valid YAML or JSON: ${error.message.split('\n')[0]}`);
  }
  const result = leverConfig.safeParse(doc.toJS());
  if (result.success) return result.data.levers;
  const problems = result.error.issues.map((issue) => {
    const { line, col } = positionOf(doc, lines, issue.path as Array<string | number>);
    const field = issue.path.reduce<string>((path, key) => (typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${String(key)}` : String(key)), '');
    return `${file}:${line}:${col}: ${field || '(top level)'}: ${issue.message}`;
  });
  throw new LeverConfigError(problems.join('\n'));
}

/** The position of the deepest node of `path` that exists in the document (a missing field points at its parent). */
function positionOf(doc: Document, lines: LineCounter, path: Array<string | number>): { line: number; col: number } {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) return lines.linePos(node.range[0]);
  }
  return { line: 1, col: 1 };
}
