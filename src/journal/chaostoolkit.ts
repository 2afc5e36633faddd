import { z } from 'zod';
import { CHAOS_TOOLKIT_STATUSES, HYPOTHESIS_STRATEGIES, ROLLBACK_STRATEGIES } from './chaostoolkit-words.js';

// What a journal records of a Chaos Toolkit run beyond what every run has: the run's verdict in Chaos
// Toolkit's own words (its journal's `status` and `deviated`, and the exit code `chaos run` would give)
// and the strategies that decided what ran. The strategies are Chaos Toolkit's words; the experiment
// reader (src/experiment/chaostoolkit/) accepts exactly these, and the journal records them.

export { CHAOS_TOOLKIT_STATUSES, HYPOTHESIS_STRATEGIES, ROLLBACK_STRATEGIES, type ChaosToolkitStatus, type HypothesisStrategy, type RollbackStrategy } from './chaostoolkit-words.js';

export const rollbackStrategySchema = z.enum(ROLLBACK_STRATEGIES);
export const hypothesisStrategySchema = z.enum(HYPOTHESIS_STRATEGIES);
export const chaosToolkitStatusSchema = z.enum(CHAOS_TOOLKIT_STATUSES).describe("Chaos Toolkit's journal status");

const located = z.array(z.string().describe('file:line:column, the field, then what'));

export const chaosToolkitSummarySchema = z
  .object({
    status: chaosToolkitStatusSchema,
    deviated: z.boolean().describe('The steady state did not hold after the method'),
    chaosExitCode: z.union([z.literal(0), z.literal(1)]).describe('What `chaos run` exits with: 1 when the status is not completed or the run deviated'),
    rollbackStrategy: rollbackStrategySchema,
    hypothesisStrategy: hypothesisStrategySchema,
    rollbacksPlayed: z.boolean().describe('Whether the rollback strategy let the rollbacks run'),
    skipped: located.describe('Parts left out by --skip-unsupported'),
    crashes: located.describe('Checks where `chaos run` would have stopped with a Python error instead of judging a tolerance'),
    warnings: located.describe('Fields accepted with a remark (ignored by Chaos Toolkit, without effect …)'),
  })
  .meta({ id: 'ChaosToolkitSummary', description: "How a Chaos Toolkit experiment ended in Chaos Toolkit's own words, beside GameDay's verdict" });
export type ChaosToolkitSummary = z.output<typeof chaosToolkitSummarySchema>;
