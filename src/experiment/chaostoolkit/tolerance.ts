import { compileJsonPath } from './jsonpath.js';
import { compilePythonRegex } from './python-regex.js';
import { pyEquals, pyIn, pyJsonDumps } from './python-values.js';
import { substitute, substituteString, type Lookup } from './substitute.js';

// A steady-state probe's tolerance, judged the way Chaos Toolkit judges it. The value under test is what
// the provider returned: {status, headers, body} for HTTP, {status, stdout, stderr} for a process.
//   - an integer is compared with `status`; a list must contain `status` (membership, even for two items);
//   - true/false and strings are compared with the whole result, which an HTTP or process result never equals;
//   - regex (re.search), jsonpath (with `expect` or `count`) and range look at `target` when it is given;
//   - a probe tolerance runs another probe with `value` added to its arguments and is met when that probe
//     runs to completion (Chaos Toolkit checks `bool(result)`, and a result mapping is always true).
// Where Chaos Toolkit itself would stop with a Python error (a regex on a number), the check is not met
// and `crash` says why, so the report can tell the user what `chaos run` would have done.

export interface ToleranceResult {
  met: boolean;
  /** What the tolerance asks for, in words: "status 200", "stdout matches /^ok$/". */
  expected: string;
  /** What was looked at, in words. */
  measured: string;
  measuredValue: number | null;
  /** Set when `chaos run` would have stopped with an error at this check instead of judging it. */
  crash?: string;
}

export type ProbeToleranceRunner = (tolerance: Record<string, unknown>, value: Record<string, unknown>) => Promise<{ ok: boolean; error?: string }>;

export async function judgeTolerance(
  raw: unknown,
  value: Record<string, unknown>,
  lookup: Lookup,
  runProbe: ProbeToleranceRunner,
): Promise<ToleranceResult> {
  const tolerance = typeof raw === 'string' ? substituteString(raw, lookup) : raw;
  const status = value.status;
  const statusWord = 'stdout' in value ? 'exit code' : 'status';
  if (typeof tolerance === 'boolean' || typeof tolerance === 'string') {
    return { met: pyEquals(value, tolerance), expected: `the whole result equal to ${pyJsonDumps(tolerance)}`, measured: brief(value), measuredValue: null };
  }
  if (typeof tolerance === 'number') {
    // A float is not a tolerance type Chaos Toolkit dispatches on (only after `${…}` can one appear): never met.
    if (!Number.isInteger(tolerance)) return { met: false, expected: `${statusWord} ${tolerance}`, measured: String(status), measuredValue: num(status) };
    return { met: pyEquals(status, tolerance), expected: `${statusWord} ${tolerance}`, measured: String(status), measuredValue: num(status) };
  }
  if (Array.isArray(tolerance)) {
    return { met: pyIn(status, tolerance), expected: `${statusWord} in ${pyJsonDumps(tolerance)}`, measured: String(status), measuredValue: num(status) };
  }
  if (tolerance === null || typeof tolerance !== 'object') {
    return { met: false, expected: `a tolerance (got ${pyJsonDumps(tolerance)})`, measured: brief(value), measuredValue: null };
  }
  const spec = tolerance as Record<string, unknown>;
  const target = typeof spec.target === 'string' && spec.target !== '' ? spec.target : undefined;
  const tested = target !== undefined && Object.hasOwn(value, target) ? value[target] : value;
  const subject = target ?? 'the result';
  switch (spec.type) {
    case 'regex': {
      const pattern = String(substitute(spec.pattern, lookup));
      const expected = `${subject} matches /${pattern}/`;
      if (typeof tested !== 'string') return crash(expected, tested, `a regex needs text, and ${subject} is ${kind(tested)}`);
      let regex: RegExp;
      try {
        regex = compilePythonRegex(pattern);
      } catch (error) {
        return crash(expected, tested, `after substitution the pattern is invalid (${(error as Error).message})`, 'error');
      }
      return { met: regex.test(tested), expected, measured: clip(tested), measuredValue: null };
    }
    case 'jsonpath': {
      const path = String(substitute(spec.path, lookup));
      let document = tested;
      if (typeof document === 'string') {
        try {
          document = JSON.parse(document);
        } catch {
          // Not JSON: the path is applied to the text itself, as Chaos Toolkit does.
        }
      }
      let found: unknown[];
      try {
        found = compileJsonPath(path)(document);
      } catch (error) {
        return crash(`jsonpath ${path} on ${subject}`, tested, `after substitution the path is invalid (${(error as Error).message})`, 'error');
      }
      let met = found.length > 0;
      let expected = `jsonpath ${path} on ${subject} finds a value`;
      if (spec.count !== undefined && spec.count !== null) {
        met = pyEquals(found.length, spec.count);
        expected = `jsonpath ${path} on ${subject} finds ${spec.count} value(s)`;
      }
      if ('expect' in spec) {
        const expect = substitute(spec.expect, lookup);
        met = pyEquals(found, Array.isArray(expect) ? expect : [expect]);
        expected = `jsonpath ${path} on ${subject} = ${pyJsonDumps(expect)}`;
      }
      return { met, expected, measured: clip(pyJsonDumps(found)), measuredValue: found.length === 1 ? num(found[0]) : null };
    }
    case 'range': {
      const [low, high] = spec.range as [number, number];
      const expected = `${subject} within [${low}, ${high}]`;
      const number = decimal(tested);
      if (number === 'type-error') return crash(expected, tested, `a range needs a number, and ${subject} is ${kind(tested)}`);
      if (number === null) return { met: false, expected, measured: clip(String(tested)), measuredValue: null };
      return { met: low <= number && number <= high, expected, measured: String(number), measuredValue: number };
    }
    case 'probe': {
      const outcome = await runProbe(spec, value);
      const name = typeof spec.name === 'string' ? `"${spec.name}" ` : '';
      return {
        met: outcome.ok,
        expected: `probe tolerance ${name}runs to completion`,
        measured: outcome.ok ? 'it ran' : `it failed: ${outcome.error ?? 'unknown error'}`,
        measuredValue: null,
      };
    }
    default:
      return { met: false, expected: `a tolerance of a known type (got ${pyJsonDumps(spec.type)})`, measured: brief(value), measuredValue: null };
  }
}

/** Python's Decimal(value): numbers, booleans and numeric text; 'type-error' where Python raises TypeError. */
function decimal(value: unknown): number | null | 'type-error' {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value !== 'string') return 'type-error';
  const text = value.trim().replace(/_/g, '');
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return null;
  return Number(text);
}

function crash(expected: string, tested: unknown, why: string, error = 'TypeError'): ToleranceResult {
  return { met: false, expected, measured: clip(brief(tested)), measuredValue: null, crash: `Chaos Toolkit would stop the run with a Python ${error} here: ${why}` };
}

function kind(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a JSON list';
  if (typeof value === 'object') return 'a JSON object (a mapping)';
  return `a ${typeof value}`;
}

function num(value: unknown): number | null {
  return typeof value === 'number' ? value : null;
}

function brief(value: unknown): string {
  return clip(typeof value === 'string' ? value : pyJsonDumps(value));
}

function clip(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
