/**
 * Exit codes promised in DESIGN.md, for CI pipelines. The verdict owns them (a run's outcome is its exit
 * code); the CLI only passes them on.
 */
export const ExitCode = {
  held: 0,
  violated: 1,
  aborted: 2,
  invalid: 3,
  internal: 4,
} as const;
