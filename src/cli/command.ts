import type { Command } from 'commander';

/** A CLI verb adds itself to the program; it parses its options, calls the core, and formats. */
export type CommandRegistration = (program: Command) => void;

export { ExitCode } from '../experiment/exit-code.js';
