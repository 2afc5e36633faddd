import { z } from 'zod';
import { chaosToolkitSummarySchema } from './chaostoolkit.js';
import { isoTime, journalEventSchema, type EventRecord, type JournalEvent } from './events.js';
import { exitCodeSchema, objectiveResultSchema, verdictSchema } from './outcome.js';

// The journal is the complete, machine-readable record of one run: it is written to journal.json in the
// run folder, stored in SQLite, and it is the only input of the reports (HTML, Markdown) — a report never
// asks the engine anything the journal does not say. Its format is defined once, here, in zod: the types
// below, the JSON Schema (`gameday schema --journal`, examples/journal.schema.json) and docs/journal.md
// follow from it.

/**
 * The format's version, apart from gamedayVersion. Bumped when a reader of the previous version could
 * misread a journal of the new one (docs/journal.md, "Versions"). A journal without it is version 1.
 */
export const JOURNAL_VERSION = 2;

const figure = z.number().min(0);

export const sliSampleSchema = z
  .object({
    atMs: z.number().describe('Run time at the end of the interval'),
    load: z.string().describe('The series: the name of a load, or of a probe'),
    source: z.literal('probe').optional().describe("Present on a probe's checks, which the charts draw but the run's traffic figures leave out"),
    rate: figure.describe('Completed requests per second in the interval'),
    ok: figure,
    errors: figure,
    dropped: figure.describe('Requests the open model could not send in time'),
    errorRate: figure.describe('(errors + dropped) / attempts, 0..1'),
    p50: figure.describe('Latency in milliseconds, measured from the intended send time'),
    p99: figure,
    max: figure,
  })
  .meta({ id: 'SliSample', description: 'One SLI sample: of a load every settings.sampleInterval (200 ms by default), or one check of a probe; the series the charts draw' });
export type SliSample = z.output<typeof sliSampleSchema>;

export const bandSchema = z
  .object({ kind: z.enum(['step', 'fault', 'phase']), label: z.string(), startMs: z.number(), endMs: z.number() })
  .meta({ id: 'Band', description: 'A time span the charts shade: a phase, a step, or a fault being active' });
export type Band = z.output<typeof bandSchema>;

export const journalSchema = z
  .object({
    version: z.literal(JOURNAL_VERSION).describe('The format version of this journal (not of GameDay)'),
    gamedayVersion: z.string(),
    runId: z.string(),
    experiment: z.object({ title: z.string(), description: z.string().optional(), file: z.string() }),
    startedAt: isoTime,
    endedAt: isoTime,
    durationMs: z.number().min(0),
    verdict: verdictSchema,
    verdictReason: z.string().describe('One sentence a person reads first: why the verdict is what it is'),
    exitCode: exitCodeSchema,
    blastRadius: z.array(z.string()).describe('What the run could touch, one line per target, as --dry-run prints it'),
    objectives: z.array(objectiveResultSchema),
    events: z.array(journalEventSchema),
    samples: z.array(sliSampleSchema),
    bands: z.array(bandSchema),
    chaostoolkit: chaosToolkitSummarySchema.optional().describe('Present when the run was a Chaos Toolkit experiment: its verdict as `chaos run` gives it, and what was left out'),
  })
  .describe("One run's journal: journal.json in its run folder");

export type Journal = Omit<z.output<typeof journalSchema>, 'events'> & { events: JournalEvent[] };

/**
 * A journal as `gameday report` reads it back: of this version, or of an older one brought up to it, and
 * perhaps from a newer GameDay with events this one does not know, which a reader shows as they are.
 */
export type LoadedJournal = Omit<Journal, 'events'> & { events: EventRecord[] };

/** The JSON Schema of journal.json (draft 2020-12), for anyone who reads journals without GameDay. */
export function journalJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(journalSchema, { io: 'output', target: 'draft-2020-12' }) as Record<string, unknown>;
  return { ...schema, $id: `https://gameday.dev/schema/journal-v${JOURNAL_VERSION}.json`, title: `GameDay run journal, version ${JOURNAL_VERSION}` };
}
