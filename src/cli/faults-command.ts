// `gameday faults`: the fault kinds from the registry, with the target kind each acts on and its params.
import type { Command } from 'commander';
import { z } from 'zod';
import { faultRegistry } from '../faults/registry.js';
import type { CommandRegistration } from './command.js';

interface ParamsSchema {
  properties?: Record<string, unknown>;
  required?: string[];
  anyOf?: ParamsSchema[];
}

function listParams(schema: ParamsSchema): string {
  return Object.keys(schema.properties ?? {})
    .map((p) => (schema.required?.includes(p) ? p : `${p}?`))
    .join(', ');
}

export const registerFaults: CommandRegistration = (program: Command) => {
  program
    .command('faults')
    .description('List the fault kinds an experiment can use')
    .action(() => {
      // A lever is held like a fault (same lease, same revert) but is written as its own `lever` step, so it
      // is listed as a step: `fault: { kind: lever }` is not an experiment's way to pull one.
      const faults = faultRegistry.filter((f) => f.targetKind !== 'levers');
      const width = Math.max(...faults.map((f) => f.kind.length));
      for (const fault of faults) {
        const schema = z.toJSONSchema(fault.params, { io: 'input', unrepresentable: 'any' }) as ParamsSchema;
        const params = (schema.anyOf ?? [schema]).map(listParams).join(' | ');
        process.stdout.write(`${fault.kind.padEnd(width)}  on ${fault.targetKind.padEnd(7)} ${fault.summary}\n${' '.repeat(width + 13)}params: ${params || '(none)'}\n`);
      }
      if (faults.length < faultRegistry.length) {
        process.stdout.write('\nlevers are a step, not a fault kind:\n  lever: { pull: <name> } | lever: { reset: <name> }, target? (a levers target) — held under the run\'s lease, undone when the method ends\n');
      }
    });
};
