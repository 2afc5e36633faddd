import { isScalar, LineCounter, parseDocument } from 'yaml';
import { FileProblemsError, parseStructured, schemaProblems, type StructuredDocument } from '../config/structured-file.js';
import { coeFrontMatterSchema, type CoeFrontMatter } from './front-matter.js';

// Reading the YAML between the `---` fences of a Markdown file. A file whose front matter says `kind: coe`
// is a COE and its front matter must be valid (exit 3 otherwise, with file:line:column and the field, as
// for experiments); other front matter (a static-site generator's, say) is left alone. Line numbers are
// the file's: the YAML is parsed with as many newlines before it as the file has lines before it.

/** The COE file cannot be checked: exit 3, nothing written. */
export class CoeFileError extends FileProblemsError {}

/** A front-matter string and where each of its characters sits in the file. */
export interface ScalarText {
  text: string;
  locateOffset(offset: number): { line: number; column: number };
}

export type FrontMatter =
  | { kind: 'none' }
  | { kind: 'other'; line: number }
  | { kind: 'coe'; line: number; value: CoeFrontMatter; locate: StructuredDocument['locate']; scalar(path: readonly (string | number)[]): ScalarText | undefined };

/** `yaml` is the text between the fences, which start on line `line` of the file. */
export function readFrontMatter(yaml: string | undefined, line: number, file: string): FrontMatter {
  if (yaml === undefined) return { kind: 'none' };
  const padded = '\n'.repeat(line) + yaml;
  const doc = parseStructured(padded, file, CoeFileError);
  const raw = doc.value ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new CoeFileError([{ file, line: line + 1, column: 1, path: '', message: 'front matter must be a mapping (key: value lines)' }]);
  }
  if ((raw as Record<string, unknown>).kind !== 'coe') return { kind: 'other', line };
  const result = coeFrontMatterSchema.safeParse(raw, { reportInput: true });
  if (!result.success) throw new CoeFileError(schemaProblems(result.error.issues, file, doc.locate, 'see `gameday schema --coe`'));
  return { kind: 'coe', line, value: result.data, locate: doc.locate, scalar: scalarsOf(padded) };
}

/** Finds a string in the front matter with the file position of each of its characters. */
function scalarsOf(padded: string): (path: readonly (string | number)[]) => ScalarText | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(padded, { lineCounter });
  return (path) => {
    const node = doc.getIn(path as unknown[], true);
    if (!isScalar(node) || typeof node.value !== 'string' || !node.range) return undefined;
    const text = node.value;
    const from = node.range[0];
    const source = padded.slice(from, node.range[1]);
    // The value is the source without quotes, indentation and line folding: walk both and pair up characters.
    const map: number[] = [];
    let j = 0;
    for (let i = 0; i < text.length; i++) {
      while (j < source.length && source[j] !== text[i] && !(text[i] === ' ' && source[j] === '\n')) j++;
      map.push(j < source.length ? from + j : from);
      j++;
    }
    return {
      text,
      locateOffset: (offset) => {
        const pos = lineCounter.linePos(map[Math.min(offset, map.length - 1)] ?? from);
        return { line: pos.line, column: pos.col };
      },
    };
  };
}
