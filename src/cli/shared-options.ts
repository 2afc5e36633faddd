import type { Command } from 'commander';

// Flags several verbs share, with their help. Registering a verb reads only these (no store, no report), so
// `gameday --help` and every verb's definition cost nothing; what the flags do lives in store-option.ts and
// junit-option.ts, which a verb's action loads when it runs.

/** `--store` on every verb that reads or writes the store (serve, run, demo, halt, runs, report, store). */
export const STORE_FLAG = '--store <file|url>';
export const STORE_HELP = 'the store: a SQLite file or postgres://user@host/db (default: $GAMEDAY_STORE, else $GAMEDAY_HOME/gameday.db)';

export function storeOption(command: Command): Command {
  return command.option(STORE_FLAG, STORE_HELP);
}

/** `--junit` of `gameday run` and `gameday demo`. */
export const JUNIT_FLAG = '--junit <file>';
export const JUNIT_HELP = 'also write the run as JUnit XML to <file> for CI: one test case per objective check and guardrail (written for a refused run too)';
