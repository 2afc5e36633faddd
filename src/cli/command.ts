import type { Command } from 'commander';

/** A CLI verb adds itself to the program; it parses its options, calls the core, and formats. */
export type CommandRegistration = (program: Command) => void;

export { ExitCode } from '../experiment/exit-code.js';

/** `--allow-host a --allow-host b` (or `a,b`): the names a server answers to beyond loopback and its address. */
export function collectHosts(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((name) => name.trim()).filter(Boolean)];
}
