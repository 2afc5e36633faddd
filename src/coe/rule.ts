import type { CoeDocument, Position } from './document.js';

// What `gameday coe check` reports, and the shape of a rule. The JSON form of a finding is fixed by
// DESIGN.md: {file, line, column, rule, severity, message, suggestion}.

export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  file: string;
  line: number;
  column: number;
  rule: string;
  severity: Severity;
  message: string;
  suggestion: string;
}

/** What a rule says about one place in the file; the check adds the file, the rule's name and severity. */
export interface Remark extends Position {
  message: string;
  suggestion: string;
}

export interface Rule {
  /** `blame/…` for the rules about blame, `structure/…` for the shape of a COE. */
  name: string;
  severity: Severity;
  /** One sentence for `gameday coe check --help` and docs/coe.md. */
  summary: string;
  check(doc: CoeDocument): Remark[];
}
