// `--junit <file>` of `gameday run` and `gameday demo`: the run as JUnit XML for a CI server. Whatever
// ends the command, a file is written when one was asked for — the run's checks when it started, or one
// test case in error saying why it did not (an invalid experiment, an unreachable target, a demo world
// that did not start: exit 3; an internal error: exit 4) — so the CI page names the reason instead of
// "no test results found" (docs/ci.md).
import { accessSync, constants, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import type { Experiment } from '../experiment/schema.js';
import type { Journal } from '../journal/format.js';
import { declaredChecks, junitRefusal, junitReport } from '../report/junit.js';
import { ExitCode } from './command.js';

/** The test case a refused run reports (exit 3): what did not hold before anything ran. */
export const VALID = 'the experiment is valid';
export const REACHABLE = 'its targets are reachable';

export class JUnitOutput {
  private xml?: string;
  /** Found unwritable before the run: the command refused to start, and there is nothing to write. */
  private unwritable = false;
  private written = false;

  constructor(
    /** The path given to --junit; nothing is written without one. */
    readonly file: string | undefined,
    private readonly experimentFile: string,
  ) {}

  /** Where the file cannot be written, in a sentence (checked before anything runs); undefined when it can. */
  problem(): string | undefined {
    if (!this.file) return undefined;
    const folder = dirname(resolve(this.file));
    try {
      mkdirSync(folder, { recursive: true });
      accessSync(folder, constants.W_OK);
      if (existsSync(this.file)) accessSync(this.file, constants.W_OK);
      return undefined;
    } catch (error) {
      this.unwritable = true;
      return `--junit: cannot write ${this.file}: ${(error as Error).message}`;
    }
  }

  /** The run started (whatever its verdict): its checks, from the journal and what the experiment declared. */
  ran(journal: Journal, experiment: Experiment, folder?: string): void {
    this.xml = junitReport(journal, declaredChecks(experiment), { hostname: hostname(), folder });
  }

  /** The run did not start, or failed inside: one test case in error, with the reason. */
  refused(check: string, reason: string, exitCode: number): void {
    this.xml = junitRefusal({ file: this.experimentFile, check, reason, exitCode, at: new Date() }, { hostname: hostname() });
  }

  /**
   * Writes the file (if one was asked for) and returns the command's exit code. A command that ended
   * without saying why still leaves a file, naming its exit code; a file that cannot be written is an
   * internal error, because the pipeline would otherwise read a missing report as nothing to show.
   * Once written (`gameday demo --keep` writes when the run ends, not when the world stops), later calls
   * only pass the exit code on.
   */
  write(exitCode: number): number {
    if (!this.file || this.unwritable || this.written) return exitCode;
    this.written = true;
    if (!this.xml) this.refused('the run started', `gameday ended with exit ${exitCode} before the run started; its output says why`, exitCode);
    try {
      mkdirSync(dirname(resolve(this.file)), { recursive: true });
      writeFileSync(this.file, this.xml!);
      process.stderr.write(`junit: ${this.file}\n`);
      return exitCode;
    } catch (error) {
      process.stderr.write(`gameday: could not write the JUnit report ${this.file}: ${(error as Error).message}\n`);
      return ExitCode.internal;
    }
  }
}
