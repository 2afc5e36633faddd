import type { Command } from 'commander';

/** A CLI verb adds itself to the program; it parses its options, calls the core, and formats. */
export type CommandRegistration = (program: Command) => void;

export { ExitCode } from '../experiment/exit-code.js';

/** A repeatable option that also takes commas: `--allow-host a --allow-host b` or `--allow-host a,b`. */
export function collectList(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((name) => name.trim()).filter(Boolean)];
}
