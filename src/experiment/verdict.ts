import { ExitCode } from './exit-code.js';
import type { ObjectiveResult, Verdict } from '../journal/outcome.js';
import type { AbortReason } from './run-context.js';
import { formatDuration } from '../units/units.js';

// The verdict and the one sentence that explains it. An abort outranks everything (the run did not get to
// answer its question); then any missed objective makes the hypothesis violated; otherwise it held.

export interface VerdictOutcome {
  verdict: Verdict;
  reason: string;
  exitCode: number;
}

export function decideVerdict(input: {
  abortReason?: AbortReason;
  objectives: readonly ObjectiveResult[];
  heldBefore: boolean;
  /** Breach (or abort) to the last fault reverted, when there was an abort. */
  revertMs?: number | null;
  error?: Error;
  /** Faults whose revert failed even after the final retry: they may still be in place. */
  unreverted?: readonly string[];
  leaseTtlMs?: number;
}): VerdictOutcome {
  // A fault that may have outlived its run outranks every other answer: the user must act now.
  if (input.unreverted && input.unreverted.length > 0) {
    const ttl = input.leaseTtlMs === undefined ? 'its TTL' : formatDuration(input.leaseTtlMs);
    return {
      verdict: 'error',
      exitCode: ExitCode.internal,
      reason:
        `could not revert ${input.unreverted.map((d) => `"${d}"`).join(', ')}: it may still be in place. ` +
        `Run \`gameday halt\` now; otherwise its component reverts it when the run's lease expires (within ${ttl} of the run's end)`,
    };
  }
  if (input.error) {
    return { verdict: 'error', exitCode: ExitCode.internal, reason: `internal error: ${input.error.message}; every fault was reverted` };
  }
  if (input.abortReason) {
    const revert = input.revertMs === null || input.revertMs === undefined ? '' : `; every fault was reverted ${formatDuration(input.revertMs)} after it`;
    return { verdict: 'aborted', exitCode: ExitCode.aborted, reason: `aborted at ${formatDuration(input.abortReason.atMs)}: ${input.abortReason.message}${revert}` };
  }
  const missed = input.objectives.filter((objective) => !objective.ok);
  if (!input.heldBefore) {
    return {
      verdict: 'violated',
      exitCode: ExitCode.violated,
      reason: `the steady state did not hold before the method, so no fault was injected: ${missed.map(describeMiss).join('; ')}`,
    };
  }
  if (missed.length > 0) {
    return { verdict: 'violated', exitCode: ExitCode.violated, reason: `${missed.length} of ${input.objectives.length} objective checks missed: ${missed.map(describeMiss).join('; ')}` };
  }
  return {
    verdict: 'held',
    exitCode: ExitCode.held,
    reason: input.objectives.length === 0 ? 'the method completed; the hypothesis has no objectives to check' : `all ${input.objectives.length} objective checks held`,
  };
}

function describeMiss(objective: ObjectiveResult): string {
  return `${objective.name} (${objective.phase}): expected ${objective.expected}, measured ${objective.measured}`;
}
