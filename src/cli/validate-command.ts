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
    .action(async (file: string) => {
      try {
        const { experiment, format } = await loadExperimentFile(file);
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
