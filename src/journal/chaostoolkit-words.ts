// Chaos Toolkit's own words for its strategies and statuses, apart from their zod schemas (chaostoolkit.ts):
// `gameday run --help` names the rollback strategies without loading a validator.

/** `runtime.rollbacks.strategy` and `chaos run --rollback-strategy`: when rollbacks are played. */
export const ROLLBACK_STRATEGIES = ['default', 'always', 'never', 'deviated'] as const;
export type RollbackStrategy = (typeof ROLLBACK_STRATEGIES)[number];

/** `runtime.hypothesis.strategy`: when the steady-state hypothesis is checked. */
export const HYPOTHESIS_STRATEGIES = ['default', 'before-method-only', 'after-method-only', 'during-method-only', 'continuously', 'skip'] as const;
export type HypothesisStrategy = (typeof HYPOTHESIS_STRATEGIES)[number];

/** Chaos Toolkit's journal status. */
export const CHAOS_TOOLKIT_STATUSES = ['completed', 'failed', 'aborted', 'interrupted'] as const;
export type ChaosToolkitStatus = (typeof CHAOS_TOOLKIT_STATUSES)[number];
