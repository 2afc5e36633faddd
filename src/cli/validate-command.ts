// `gameday validate <file>`: checks an experiment file offline (schema, units, references) and says what
// it would do; exit 0 valid, 3 invalid. It contacts nothing: `gameday run --dry-run` also checks targets.
import type { Command } from 'commander';
import { ExperimentFileError, loadExperimentFile } from '../experiment/load-file.js';
import { forEachStep } from '../experiment/blast-radius.js';
import { writtenFault } from '../experiment/schema.js';
import { ExitCode, type CommandRegistration } from './command.js';

export const registerValidate: CommandRegistration = (program: Command) => {
  program
    .command('validate')
    .description('Check an experiment file (schema, units, references) without touching anything')
    .argument('<file>', 'the experiment file')
    .option('--skip-unsupported', 'Chaos Toolkit experiments: accept Python providers and controls as parts `gameday run --skip-unsupported` would skip')
    .action(async (file: string, flags: { skipUnsupported?: boolean }) => {
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
    });
};
