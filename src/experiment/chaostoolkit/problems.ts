// What reading a Chaos Toolkit experiment can find wrong with it, each with the JSON path of the part
// concerned (the loader turns a path into file:line:column).

export type JsonPath = (string | number)[];

/** The experiment is invalid here: refused before anything is touched. */
export interface ImportProblem {
  path: JsonPath;
  message: string;
}

/** This part cannot run in GameDay (Python code): refused, or skipped with --skip-unsupported. */
export interface UnsupportedPart {
  path: JsonPath;
  /** e.g. `python provider chaosk8s.pod.actions.terminate_pods`. */
  what: string;
  /** What to write instead. */
  instead: string;
}

/** Accepted, but worth saying: a field Chaos Toolkit ignores, a setting that has no effect. */
export interface ImportWarning {
  path: JsonPath;
  message: string;
  /** Point at the key itself (an unknown field), not at its value. */
  onKey?: boolean;
}
