import { FileProblemsError, parseStructured, readUserFile, schemaProblems, formatPath, type Problem, type StructuredDocument } from '../config/structured-file.js';
import { experimentSchema, type Experiment } from './schema.js';
import { isChaosToolkit, readChaosToolkit, type ChaosToolkitPlan } from './chaostoolkit/document.js';
import type { JsonPath } from './chaostoolkit/problems.js';

// Reading an experiment file: YAML (or JSON), optionally a Chaos Toolkit experiment, validated by the
// schema, every problem reported at once with its file, line, column and field.

/** The experiment file is invalid: exit 3, nothing touched. */
export class ExperimentFileError extends FileProblemsError {}

export interface LoadedExperiment {
  /** For a Chaos Toolkit experiment, a method-less stand-in carrying its title (the plan is the experiment). */
  experiment: Experiment;
  file: string;
  /** 'gameday' or 'chaostoolkit' — imported experiments say so in the journal. */
  format: 'gameday' | 'chaostoolkit';
  chaostoolkit?: LoadedChaosToolkit;
}

export interface LoadedChaosToolkit {
  plan: ChaosToolkitPlan;
  /** `file:line:column` of a part of the file, for the journal and the report. */
  where(path: JsonPath): string;
  /** What was accepted with a remark, as `file:line:column field: message`. */
  warnings: string[];
  /** The unsupported parts that --skip-unsupported leaves out, as `file:line:column field: what`. */
  skipped: string[];
}

export interface LoadOptions {
  /** Run what can run and mark the rest, instead of refusing a Chaos Toolkit file with Python parts. */
  skipUnsupported?: boolean;
  env?: NodeJS.ProcessEnv;
}

export async function loadExperimentFile(file: string, options: LoadOptions = {}): Promise<LoadedExperiment> {
  return parseExperiment(readUserFile(file, ExperimentFileError), file, options);
}

export function parseExperiment(text: string, file: string, options: LoadOptions = {}): LoadedExperiment {
  let doc: StructuredDocument;
  let duplicates: Problem[] = [];
  try {
    doc = parseStructured(text, file, ExperimentFileError);
  } catch (error) {
    // Python's json keeps the last of two equal keys, so a Chaos Toolkit file may have them; ours may not.
    const problems = (error as ExperimentFileError).problems ?? [];
    if (!(error instanceof ExperimentFileError) || !problems.every((p) => p.message.includes('Map keys must be unique'))) throw error;
    doc = parseStructured(text, file, ExperimentFileError, { uniqueKeys: false });
    if (!isPlainObject(doc.value) || !isChaosToolkit(doc.value)) throw error;
    duplicates = problems;
  }
  const raw = doc.value;
  if (!isPlainObject(raw)) {
    throw new ExperimentFileError([{ file, line: 1, column: 1, path: '', message: 'expected a mapping with title, targets, hypothesis, method …' }]);
  }
  if (isChaosToolkit(raw)) return loadChaosToolkit(raw, doc, file, options, duplicates);
  const result = experimentSchema.safeParse(raw, { reportInput: true });
  if (!result.success) throw new ExperimentFileError(schemaProblems(result.error.issues, file, doc.locate, 'see `gameday schema`'));
  return { experiment: result.data, file, format: 'gameday' };
}

function loadChaosToolkit(raw: Record<string, unknown>, doc: StructuredDocument, file: string, options: LoadOptions, duplicates: Problem[]): LoadedExperiment {
  const { plan, problems } = readChaosToolkit(raw, options.env ?? process.env);
  const at = (path: JsonPath, onKey = false): Problem => ({
    file,
    ...(onKey && path.length > 0 ? doc.locate(path.slice(0, -1), String(path.at(-1))) : doc.locate(path)),
    path: formatPath(path),
    message: '',
  });
  const where = (path: JsonPath, onKey = false) => {
    const p = at(path, onKey);
    return `${file}:${p.line}:${p.column}${p.path ? ` ${p.path}` : ''}`;
  };
  const invalid = problems.map((p) => ({ ...at(p.path), message: p.message }));
  const unsupported = plan.unsupported.map((u) => ({ ...at(u.path), message: `${u.what} cannot run in GameDay (it runs Node, not Python); instead use ${u.instead}` }));
  if (invalid.length > 0 || (unsupported.length > 0 && !options.skipUnsupported)) {
    const all = [...invalid, ...(options.skipUnsupported ? [] : unsupported)].sort((a, b) => a.line - b.line || a.column - b.column);
    if (invalid.length === 0) {
      all.push({
        file, line: 0, column: 0, path: '',
        message: `${unsupported.length} part(s) of this Chaos Toolkit experiment cannot run in GameDay. Replace them, or run with --skip-unsupported to run the rest (the skipped parts are marked in the journal and the report).`,
      });
    }
    throw new ExperimentFileError(all);
  }
  const warnings = [
    ...duplicates.map((d) => `${file}:${d.line}:${d.column}: a key appears twice; the last value is used, as Chaos Toolkit (Python's json) does`),
    ...plan.warnings.map((w) => `${where(w.path, w.onKey)}: ${w.message}`),
  ];
  const experiment = experimentSchema.parse({ title: plan.title || 'Chaos Toolkit experiment', description: plan.description, method: [{ wait: '0ms' }] });
  return {
    experiment,
    file,
    format: 'chaostoolkit',
    chaostoolkit: { plan, where: (path) => where(path), warnings, skipped: plan.unsupported.map((u) => `${where(u.path)}: ${u.what}`) },
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
