import { runSteps } from './method.js';
import type { RunContext } from './run-context.js';

// The method runs while guardrails are evaluated on a short timer beside it. A breach aborts the run:
// the method is cancelled and every fault is reverted at once, in parallel — breach to full revert is a
// matter of the components' response times, not of where the method happened to be.
export async function runGuardedMethod(run: RunContext): Promise<void> {
  const { guardrailInterval } = run.experiment.settings;
  let reverting: Promise<unknown> | undefined;
  const evaluate = () => {
    if (run.abortReason) return;
    const breach = run.guardrails.evaluate(run.journal.now());
    if (!breach) return;
    run.journal.note('guardrail.breach', `guardrail "${breach.name}" breached: expected ${breach.expected}, measured ${breach.measured}`, {
      guardrail: breach.name,
      expected: breach.expected,
      measured: breach.measured,
      value: breach.value,
      breachSinceMs: breach.breachSinceMs,
    });
    run.journal.objectives.push({ name: breach.name, phase: 'guardrail', sli: `${breach.guardrail.source} ${breach.guardrail.sli}`, expected: breach.expected, measured: breach.measured, measuredValue: breach.value, ok: false });
    reverting = run.abort('guardrail', `guardrail "${breach.name}" breached (expected ${breach.expected}, measured ${breach.measured})`);
  };
  const timer = setInterval(evaluate, guardrailInterval);
  run.methodWindow.fromMs = run.journal.now();
  try {
    await runSteps(run.experiment.method, run.methodContext(), 'method');
  } finally {
    clearInterval(timer);
    run.methodWindow.toMs = run.journal.now();
    await reverting;
  }
}
