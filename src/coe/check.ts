import { parseCoe, readCoeFile, type CoeDocument } from './document.js';
import type { Finding } from './rule.js';
import { coeRules } from './rules/registry.js';

// `gameday coe check`: every rule over one document, findings in file order. Reading the file may throw
// CoeFileError (no such file, malformed front matter): the caller exits 3 and writes nothing.

export function checkCoe(doc: CoeDocument): Finding[] {
  return coeRules
    .flatMap((rule) => rule.check(doc).map((remark): Finding => ({ file: doc.file, line: remark.line, column: remark.column, rule: rule.name, severity: rule.severity, message: remark.message, suggestion: remark.suggestion })))
    .sort((a, b) => a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule));
}

export function checkCoeFile(file: string): Finding[] {
  return checkCoe(readCoeFile(file));
}

export function checkCoeText(text: string, file: string): Finding[] {
  return checkCoe(parseCoe(text, file));
}
