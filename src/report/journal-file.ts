import { z } from 'zod';
import { FileProblemsError, parseStructured, readUserFile, schemaProblems } from '../config/structured-file.js';
import type { Journal } from '../experiment/journal-types.js';

// Reading a journal.json back (for `gameday report`): a journal may come from another machine or another
// version of GameDay, so it is validated before a report is rendered from it, and every problem is named
// with its line and field. Fields a newer GameDay added are kept and ignored, not refused.

export class JournalFileError extends FileProblemsError {}

// JSON turns NaN and Infinity into null, so a measured number may come back as null.
const measured = z.number().nullable();

const journalSchema = z.looseObject({
  gamedayVersion: z.string(),
  runId: z.string(),
  experiment: z.looseObject({ title: z.string(), description: z.string().optional(), file: z.string() }),
  startedAt: z.string(),
  endedAt: z.string(),
  durationMs: z.number(),
  verdict: z.enum(['held', 'violated', 'aborted', 'invalid', 'error']),
  verdictReason: z.string(),
  exitCode: z.number().int(),
  blastRadius: z.array(z.string()),
  objectives: z.array(
    z.looseObject({ name: z.string(), phase: z.string(), sli: z.string(), expected: z.string(), measured: z.string(), measuredValue: measured, ok: z.boolean() }),
  ),
  events: z.array(
    z.looseObject({ atMs: z.number(), at: z.string(), type: z.string(), message: z.string(), data: z.record(z.string(), z.unknown()).optional() }),
  ),
  samples: z.array(
    z.looseObject({
      atMs: z.number(),
      load: z.string(),
      source: z.string().optional(),
      rate: measured,
      ok: measured,
      errors: measured,
      dropped: measured,
      errorRate: measured,
      p50: measured,
      p99: measured,
      max: measured,
    }),
  ),
  // A newer GameDay may shade new kinds of band; the renderer draws what it knows and skips the rest.
  bands: z.array(z.looseObject({ kind: z.string(), label: z.string(), startMs: z.number(), endMs: z.number() })),
});

export function loadJournalFile(file: string): Journal {
  return parseJournal(readUserFile(file, JournalFileError), file);
}

export function parseJournal(text: string, file: string): Journal {
  // A day-long run's journal is tens of megabytes: JSON.parse reads it in a fraction of a second, where the
  // position-keeping YAML parser would take minutes and gigabytes. Positions are only needed for a
  // journal that is refused, so only then is it parsed again with them.
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (value !== undefined) {
    const fast = journalSchema.safeParse(value);
    if (fast.success) return fast.data as Journal;
  }
  const doc = parseStructured(text, file, JournalFileError);
  const result = journalSchema.safeParse(doc.value, { reportInput: true });
  if (!result.success) {
    throw new JournalFileError(schemaProblems(result.error.issues, file, doc.locate, 'a journal is what `gameday run` writes as journal.json'));
  }
  return result.data as Journal;
}
