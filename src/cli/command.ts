import type { Command } from 'commander';

/** A CLI verb adds itself to the program; it parses its options, calls the core, and formats. */
export type CommandRegistration = (program: Command) => void;

/** Exit codes promised in DESIGN.md, for CI pipelines. */
export const ExitCode = {
  held: 0,
  violated: 1,
  aborted: 2,
  invalid: 3,
  internal: 4,
} as const;
