import { ExitCode } from '../exit-code.js';
import type { ChaosToolkitStatus, ChaosToolkitSummary } from '../../journal/chaostoolkit.js';
import type { ObjectiveResult } from '../../journal/outcome.js';
import type { AbortReason } from '../run-context.js';
import type { VerdictOutcome } from '../verdict.js';

// Two verdicts for one run. Chaos Toolkit's own (status and deviated, and the exit code `chaos run` would
// give) is recorded as it is. GameDay's verdict keeps DESIGN.md's exit codes, and differs from
// `chaos run`'s exit code in one documented place: a steady state that does not hold before the method
// is a violated hypothesis here (exit 1), where Chaos Toolkit reports "completed, not deviated" and exits 0.

export function chaosExitCode(status: ChaosToolkitStatus, deviated: boolean): 0 | 1 {
  return status !== 'completed' || deviated ? 1 : 0;
}

export function decideChaosToolkitVerdict(input: {
  summary: ChaosToolkitSummary;
  objectives: readonly ObjectiveResult[];
  heldBefore: boolean;
  abortReason?: AbortReason;
  error?: Error;
}): VerdictOutcome {
  const { summary } = input;
  const theirs = `Chaos Toolkit: status ${summary.status}, ${summary.deviated ? 'deviated' : 'not deviated'}, \`chaos run\` exits ${summary.chaosExitCode}`;
  if (input.error) return { verdict: 'error', exitCode: ExitCode.internal, reason: `internal error: ${input.error.message} (${theirs})` };
  if (input.abortReason) {
    return { verdict: 'aborted', exitCode: ExitCode.aborted, reason: `interrupted: ${input.abortReason.message}; rollbacks ${summary.rollbacksPlayed ? 'were played' : 'were not played'} (${theirs})` };
  }
  const missed = input.objectives.filter((o) => !o.ok);
  const describe = (o: ObjectiveResult) => `${o.name} (${o.phase}): expected ${o.expected}, measured ${o.measured}`;
  if (!input.heldBefore) {
    return { verdict: 'violated', exitCode: ExitCode.violated, reason: `the steady state did not hold before the method, so the method did not run: ${missed.map(describe).join('; ')} (${theirs})` };
  }
  if (missed.length > 0) {
    return { verdict: 'violated', exitCode: ExitCode.violated, reason: `${missed.length} of ${input.objectives.length} steady-state checks missed: ${missed.map(describe).join('; ')} (${theirs})` };
  }
  if (input.objectives.length === 0) {
    return { verdict: 'held', exitCode: ExitCode.held, reason: `the method ran; the experiment has no steady-state probe to check (${theirs})` };
  }
  return { verdict: 'held', exitCode: ExitCode.held, reason: `all ${input.objectives.length} steady-state checks met (${theirs})` };
}
