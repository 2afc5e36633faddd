import { z } from 'zod';

// What a run concludes, shared by the journal's top level (verdict, objectives) and its events (the
// `verdict` and `hypothesis.checked` events carry the same shapes).

export const VERDICTS = ['held', 'violated', 'aborted', 'invalid', 'error'] as const;
export const verdictSchema = z.enum(VERDICTS);
export type Verdict = z.output<typeof verdictSchema>;

/** `gameday run`'s exit codes (DESIGN.md): 0 held, 1 violated, 2 aborted, 3 invalid, 4 internal error. */
export const exitCodeSchema = z.number().int().min(0).max(4);

export const objectiveResultSchema = z
  .object({
    name: z.string().describe('Human name, e.g. "page availability ≥ 99.9%"'),
    phase: z.enum(['before', 'during', 'after', 'guardrail']).describe('When it was checked: a steady-state phase, or a guardrail that tripped'),
    sli: z.string().describe('The source and its SLI, e.g. "shoppers availability"'),
    expected: z.string().describe('What was expected, as the user wrote it: ">= 99.9%"'),
    measured: z.string().describe('The measured value formatted for people ("99.95%", "212ms", "no data")'),
    // JSON has no NaN: a value that could not be measured is null.
    measuredValue: z.number().nullable().describe('The measured value as a number (a ratio 0..1, milliseconds, per second); null when there was no data'),
    ok: z.boolean(),
  })
  .meta({ id: 'ObjectiveResult', description: 'One objective of the hypothesis (or a guardrail) checked over one window' });
export type ObjectiveResult = z.output<typeof objectiveResultSchema>;
