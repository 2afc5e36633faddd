import { ExperimentFileError, loadExperimentFile } from '../experiment/load-file.js';
import { forEachStep } from '../experiment/blast-radius.js';
import { writtenFault } from '../experiment/schema.js';
import { ExitCode } from './command.js';

/** The action of `gameday validate`, loaded when it runs (the verb's definition is in validate-command.ts). */
export async function runValidate(file: string, flags: { skipUnsupported?: boolean }): Promise<void> {
  try {
    const { experiment, format, chaostoolkit } = await loadExperimentFile(file, { skipUnsupported: flags.skipUnsupported });
    if (chaostoolkit) {
      const { plan } = chaostoolkit;
      for (const line of chaostoolkit.warnings) process.stderr.write(`${line}\n`);
      for (const line of chaostoolkit.skipped) process.stderr.write(`${line}: would be skipped (--skip-unsupported)\n`);
      process.stdout.write(
        `${file}: valid (Chaos Toolkit experiment) — "${plan.title}": ${plan.hypothesis?.probes.length ?? 0} steady-state probe(s), ` +
          `${plan.method.length} method activit${plan.method.length === 1 ? 'y' : 'ies'}, ${plan.rollbacks.length} rollback(s)` +
          `${chaostoolkit.skipped.length > 0 ? `, ${chaostoolkit.skipped.length} part(s) to skip` : ''}\n`,
      );
      return;
    }
    let steps = 0;
    let faults = 0;
    forEachStep(experiment.method, (step) => {
      steps += 1;
      if (writtenFault(step)) faults += 1;
    });
    process.stdout.write(
      `${file}: valid${format === 'chaostoolkit' ? ' (Chaos Toolkit experiment, imported)' : ''} — "${experiment.title}": ` +
        `${Object.keys(experiment.targets).length} target(s), ${Object.keys(experiment.loads).length} load(s), ${experiment.hypothesis.objectives.length} objective(s), ` +
        `${experiment.guardrails.length} guardrail(s), ${steps} step(s) with ${faults} fault(s)\n`,
    );
  } catch (error) {
    if (!(error instanceof ExperimentFileError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exitCode = ExitCode.invalid;
  }
}
