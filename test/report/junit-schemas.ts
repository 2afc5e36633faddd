// Checks a JUnit XML file the way a CI server would before reading it: against the JUnit schemas kept in
// fixtures/junit/ (Apache Ant's and Jenkins' xUnit plugin's, see its README), with a real XML-schema
// validator, libxml2's xmllint (Debian's libxml2-utils; .ci/run installs it). Also reads values out of
// the file with XPath, so tests assert on the XML as parsed, not on our own strings.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../cli-process.js';

const SCHEMAS = {
  'Apache Ant': join(repoRoot, 'test/report/fixtures/junit/apache-ant-junit.xsd'),
  'Jenkins xUnit (junit-10)': join(repoRoot, 'test/report/fixtures/junit/jenkins-junit-10.xsd'),
};

/** Asserts that `file` validates against every kept JUnit schema; the message carries xmllint's words. */
export function assertValidJUnit(file: string): void {
  for (const [name, schema] of Object.entries(SCHEMAS)) {
    const result = spawnSync('xmllint', ['--noout', '--schema', schema, file], { encoding: 'utf8' });
    assert.ok(!result.error, `xmllint could not run (apt-get install libxml2-utils): ${result.error?.message}`);
    assert.equal(result.status, 0, `${file} does not validate against the ${name} JUnit schema:\n${result.stderr}`);
  }
}

/** The string value of an XPath expression over `file`, e.g. `string(//testsuite/@failures)`. */
export function xpath(file: string, expression: string): string {
  const result = spawnSync('xmllint', ['--xpath', expression, file], { encoding: 'utf8' });
  assert.ok(!result.error, `xmllint could not run: ${result.error?.message}`);
  // xmllint exits 10 when a node set is empty (an empty string is then the honest answer), and ends a
  // string result with a newline of its own.
  return result.status === 0 ? result.stdout.replace(/\n$/, '') : '';
}
