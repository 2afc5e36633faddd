import { z } from 'zod';

// The front matter of a COE: the structured part that tools read (ids, dates, people, action items), written
// once here so that zod validates it and the JSON Schema that editors use comes from the same definitions
// (`gameday schema --coe`). What the check asks of a *finished* COE (an owner for every item, five whys …)
// is not a schema rule: a draft may leave those blank, and `gameday coe check` lists what is left to write.

export const actionKinds = ['prevent', 'detect', 'mitigate', 'process'] as const;
export const actionStates = ['open', 'in-progress', 'done', 'wont-do'] as const;
/** The incident severities of DESIGN.md, SEV1 the worst; written upper- or lower-case, read as upper-case. */
export const coeSeverities = ['SEV1', 'SEV2', 'SEV3', 'SEV4'] as const;
export type CoeSeverity = (typeof coeSeverities)[number];
export const coeStatuses = ['draft', 'in-review', 'published'] as const;

const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, { error: 'expected an id of letters, digits, _ . -' });
const date = z.iso.date({ error: 'expected a date written YYYY-MM-DD' });
const instant = z.iso.datetime({ offset: true, error: 'expected a date and time like 2025-03-14T10:02:00Z' });
const text = z.string().trim().min(1, { error: 'expected words, not an empty string' });

export const actionItemSchema = z
  .object({
    id: id.meta({ description: 'Stable id used to refer to the item (A1, timeouts-1 …)' }),
    action: text.meta({ description: 'The change to the system, in one sentence' }),
    owner: text.optional().meta({ description: 'Who sees it through (a person or a team)' }),
    due: date.optional().meta({ description: 'Due date, YYYY-MM-DD' }),
    kind: z.enum(actionKinds).optional().meta({ description: 'prevent: the trouble cannot happen again; detect: we see it sooner; mitigate: it hurts less; process: how we work changes' }),
    state: z.enum(actionStates).optional(),
    experiment: text
      .optional()
      .meta({ description: 'An experiment file (relative to this COE) whose holding run proves the item done, e.g. ../no-timeouts.yaml' }),
    ticket: text.optional().meta({ description: 'Where the work is tracked (a URL or a ticket id)' }),
  })
  .strict();

export const coeFrontMatterSchema = z
  .object({
    kind: z.literal('coe').meta({ description: 'Marks the file as a COE; Markdown without it is checked for language only' }),
    title: text,
    status: z.enum(coeStatuses).default('draft'),
    severity: z
      .enum([...coeSeverities, ...coeSeverities.map((s) => s.toLowerCase() as Lowercase<CoeSeverity>)])
      .transform((s) => s.toUpperCase() as CoeSeverity)
      .optional()
      .meta({ description: 'SEV1 (the worst) to SEV4, as incidents have them; lower case is read too' }),
    incident: id.optional().meta({ description: 'The incident this COE reviews' }),
    runs: z.array(id).optional().meta({ description: 'GameDay runs this COE reviews or cites (run ids)' }),
    authors: z.array(text).min(1).optional(),
    started: instant.optional().meta({ description: 'When the trouble began' }),
    detected: instant.optional(),
    mitigated: instant.optional(),
    resolved: instant.optional(),
    reviewed: date.optional().meta({ description: 'The day of the COE review meeting' }),
    actions: z.array(actionItemSchema).default([]),
    related: z.array(text).optional().meta({ description: 'Other COEs, incidents, documents (paths or URLs)' }),
  })
  .strict()
  .superRefine((coe, ctx) => {
    const seen = new Map<string, number>();
    coe.actions.forEach((item, index) => {
      if (seen.has(item.id)) ctx.addIssue({ code: 'custom', path: ['actions', index, 'id'], message: `duplicate action item id "${item.id}" (also item ${seen.get(item.id)! + 1})` });
      seen.set(item.id, index);
    });
  });

export type CoeFrontMatter = z.output<typeof coeFrontMatterSchema>;
export type ActionItem = z.output<typeof actionItemSchema>;

/** The JSON Schema of the front matter, for editors (yaml-language-server reads it for Markdown front matter too). */
export function coeJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(coeFrontMatterSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...schema, $id: 'https://gameday.dev/schema/coe.json', title: 'GameDay COE front matter' };
}
