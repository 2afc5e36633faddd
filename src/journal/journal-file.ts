import { z } from 'zod';
import { FileProblemsError, parseStructured, readUserFile, schemaProblems } from '../config/structured-file.js';
import type { EventRecord, JournalEventType } from './events.js';
import { JOURNAL_VERSION, type LoadedJournal } from './format.js';

// Reading a journal.json back (for `gameday report`): a journal may come from another machine or another
// version of GameDay, so it is validated before a report is rendered from it, and every problem is named
// with its line and field. Fields and events a newer GameDay added are kept and ignored, not refused; a
// journal of an older format version is brought up to this one; a newer format version is refused, since
// this GameDay could misread it.

export class JournalFileError extends FileProblemsError {}

// JSON turns NaN and Infinity into null, so a measured number may come back as null.
const measured = z.number().nullable();

const journalSchema = z.looseObject({
  // Absent in journals written before the format had a version: those are version 1.
  version: z
    .number()
    .int()
    .min(1)
    .max(JOURNAL_VERSION, `this journal was written by a newer GameDay (its format is newer than version ${JOURNAL_VERSION}, which this GameDay reads); render it with that GameDay or upgrade`)
    .optional(),
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
  // A Chaos Toolkit run's own verdict; its words may grow (a newer Chaos Toolkit status), so they are read as text.
  chaostoolkit: z
    .looseObject({
      status: z.string(),
      deviated: z.boolean(),
      chaosExitCode: z.number().int(),
      rollbackStrategy: z.string(),
      hypothesisStrategy: z.string(),
      rollbacksPlayed: z.boolean(),
      skipped: z.array(z.string()),
      crashes: z.array(z.string()),
      warnings: z.array(z.string()),
    })
    .optional(),
});

export function loadJournalFile(file: string): LoadedJournal {
  return parseJournal(readUserFile(file, JournalFileError), file);
}

export function parseJournal(text: string, file: string): LoadedJournal {
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
    if (fast.success) return upgrade(fast.data);
  }
  const doc = parseStructured(text, file, JournalFileError);
  const result = journalSchema.safeParse(doc.value, { reportInput: true });
  if (!result.success) {
    throw new JournalFileError(schemaProblems(result.error.issues, file, doc.locate, 'a journal is what `gameday run` writes as journal.json'));
  }
  return upgrade(result.data);
}

function upgrade(journal: z.output<typeof journalSchema>): LoadedJournal {
  const events = journal.version === undefined ? journal.events.map(fromVersion1) : journal.events;
  return { ...journal, version: JOURNAL_VERSION, events } as LoadedJournal;
}

// Version 1 let the fault kinds name their own events in free words; the same facts now have typed names.
// Their data kept its shape, except the component's confirmation, whose kind was part of the name.
const VERSION_1_FACTS: Record<string, JournalEventType> = {
  'terminated instances': 'instances.terminated',
  'draining instances': 'instances.draining',
  'cpu stress started': 'cpu-stress.started',
  'evacuating region': 'region.evacuating',
  'isolated region': 'region.isolated',
};

function fromVersion1(event: EventRecord): EventRecord {
  const renamed = VERSION_1_FACTS[event.type];
  if (renamed) return { ...event, type: renamed };
  // "reverted terminate", "reverted drain shop/us-east/1": { target, fault } → fault.cleared.
  const cleared = /^reverted (\S+)(?: (\S+))?$/.exec(event.type);
  if (cleared && typeof event.data?.target === 'string' && typeof event.data.fault === 'string') {
    const type: JournalEventType = 'fault.cleared';
    return { ...event, type, data: { target: event.data.target, kind: cleared[1], heldFaultId: event.data.fault, ...(cleared[2] ? { instance: cleared[2] } : {}) } };
  }
  return event;
}
