import { FileProblemsError, parseStructured, readUserFile, schemaProblems, formatPath } from '../config/structured-file.js';
import { experimentSchema, type Experiment } from './schema.js';
import { fromChaosToolkit, isChaosToolkit } from './chaostoolkit.js';

// Reading an experiment file: YAML (or JSON), optionally a Chaos Toolkit experiment, validated by the
// schema, every problem reported at once with its file, line, column and field.

/** The experiment file is invalid: exit 3, nothing touched. */
export class ExperimentFileError extends FileProblemsError {}

export interface LoadedExperiment {
  experiment: Experiment;
  file: string;
  /** 'gameday' or 'chaostoolkit' — imported experiments say so in the journal. */
  format: 'gameday' | 'chaostoolkit';
}

export async function loadExperimentFile(file: string): Promise<LoadedExperiment> {
  return parseExperiment(readUserFile(file, ExperimentFileError), file);
}

export function parseExperiment(text: string, file: string): LoadedExperiment {
  const doc = parseStructured(text, file, ExperimentFileError);
  const raw = doc.value;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ExperimentFileError([{ file, line: 1, column: 1, path: '', message: 'expected a mapping with title, targets, hypothesis, method …' }]);
  }
  let input = raw;
  let format: LoadedExperiment['format'] = 'gameday';
  if (isChaosToolkit(raw as Record<string, unknown>)) {
    format = 'chaostoolkit';
    const imported = fromChaosToolkit(raw as Record<string, unknown>);
    if (imported.problems.length > 0) {
      throw new ExperimentFileError(imported.problems.map((p) => ({ file, ...doc.locate(p.path), path: formatPath(p.path), message: p.message })));
    }
    input = imported.experiment;
  }
  const result = experimentSchema.safeParse(input, { reportInput: true });
  // Chaos Toolkit paths do not map onto our model one to one; their positions are the nearest we have.
  if (!result.success) throw new ExperimentFileError(schemaProblems(result.error.issues, file, doc.locate, 'see `gameday schema`'));
  return { experiment: result.data, file, format };
}
