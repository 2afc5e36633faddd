// The pieces of Chaos Toolkit's semantics that decide a verdict without any I/O: `${…}` substitution,
// tolerances, JSONPath (jsonpath2's dialect), Python regular expressions, and the way Python turns values
// into text and request bodies. Each expectation is what `chaos run` does with the same input.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileJsonPath, JsonPathError } from '../../src/experiment/chaostoolkit/jsonpath.js';
import { compilePythonRegex, PythonRegexError } from '../../src/experiment/chaostoolkit/python-regex.js';
import { pyFormEncode, pyJsonDumps, pyRepr, pyStr } from '../../src/experiment/chaostoolkit/python-values.js';
import { lookupOf, substitute } from '../../src/experiment/chaostoolkit/substitute.js';
import { judgeTolerance } from '../../src/experiment/chaostoolkit/tolerance.js';

const noProbe = async () => ({ ok: false, error: 'no probe expected' });
const http = (status: number, body: unknown = '') => ({ status, headers: { 'Content-Type': 'text/plain' }, body });
const proc = (status: number, stdout = '', stderr = '') => ({ status, stdout, stderr });

test('${name} alone keeps the value’s type; inside text it is written as Python prints it', () => {
  const lookup = lookupOf({ port: 8080, on: true, host: 'localhost' }, { app: { token: 's3cr3t', host: 'from-secret' } });
  assert.equal(substitute('${port}', lookup), 8080);
  assert.equal(substitute('http://${host}:${port}/?debug=${on}', lookup), 'http://localhost:8080/?debug=True');
  assert.equal(substitute('Bearer $token', lookup), 'Bearer s3cr3t');
  assert.equal(substitute('costs $$5 and ${missing}', lookup), 'costs $5 and ${missing}');
  assert.deepEqual(substitute({ headers: { Authorization: 'Bearer ${token}' }, list: ['${port}', 1] }, lookup), { headers: { Authorization: 'Bearer s3cr3t' }, list: [8080, 1] });
  // The configuration wins over the secrets when both declare a name.
  assert.equal(substitute('${host}', lookup), 'localhost');
  // Keys are never substituted, and empty values are handed back as they are.
  assert.deepEqual(substitute({ '${port}': '' }, lookup), { '${port}': '' });
});

test('values become text and bodies the way Python and `requests` write them', () => {
  assert.equal(pyStr(true), 'True');
  assert.equal(pyStr(null), 'None');
  assert.equal(pyRepr({ status: 200, body: "it's" }), `{'status': 200, 'body': "it's"}`);
  assert.equal(pyJsonDumps({ city: 'Paris', n: [1, 2], ok: false, é: 'ü' }), '{"city": "Paris", "n": [1, 2], "ok": false, "\\u00e9": "\\u00fc"}');
  assert.equal(pyFormEncode({ q: 'chaos toolkit', tags: ['a', 'b'], skip: null, flag: true }), 'q=chaos+toolkit&tags=a&tags=b&flag=True');
  assert.equal(pyFormEncode({ path: '/a b?c=d&e' }), 'path=%2Fa+b%3Fc%3Dd%26e');
});

test('an integer tolerance is the HTTP status or the exit code; a list is membership, even with two items', async () => {
  assert.equal((await judgeTolerance(200, http(200), lookupOf({}, {}), noProbe)).met, true);
  assert.equal((await judgeTolerance(0, proc(1), lookupOf({}, {}), noProbe)).met, false);
  assert.equal((await judgeTolerance([200, 503], http(503), lookupOf({}, {}), noProbe)).met, true);
  // [200, 299] is not a range for a result with a status: 250 is not in it.
  assert.equal((await judgeTolerance([200, 299], http(250), lookupOf({}, {}), noProbe)).met, false);
  // A `${…}` tolerance takes the type of its value.
  assert.equal((await judgeTolerance('${expected}', http(204), lookupOf({ expected: 204 }, {}), noProbe)).met, true);
});

test('true, false and strings compare the whole result, which an HTTP or process result never equals', async () => {
  assert.equal((await judgeTolerance(true, http(200, 'true'), lookupOf({}, {}), noProbe)).met, false);
  assert.equal((await judgeTolerance('OK', proc(0, 'OK'), lookupOf({}, {}), noProbe)).met, false);
});

test('regex, range and jsonpath look at their target', async () => {
  const empty = lookupOf({}, {});
  assert.equal((await judgeTolerance({ type: 'regex', target: 'stdout', pattern: '^welcome=hello$' }, proc(0, 'welcome=hello\n'), empty, noProbe)).met, true);
  assert.equal((await judgeTolerance({ type: 'regex', target: 'body', pattern: '[0-9]{2}' }, http(200, 'number 8'), empty, noProbe)).met, false);
  assert.equal((await judgeTolerance({ type: 'regex', target: 'body', pattern: '${word}' }, http(200, 'hello world'), lookupOf({ word: 'world' }, {}), noProbe)).met, true);
  assert.equal((await judgeTolerance({ type: 'range', target: 'body', range: [10.5, 800] }, http(200, ' 42\n'), empty, noProbe)).met, true);
  assert.equal((await judgeTolerance({ type: 'range', target: 'status', range: [200, 299] }, http(404), empty, noProbe)).met, false);
  assert.equal((await judgeTolerance({ type: 'range', target: 'body', range: [1, 5] }, http(200, 'many'), empty, noProbe)).met, false);
  const body = JSON.stringify({ foo: [{ baz: 'hello' }, { baz: 'bonjour' }], error: null });
  const jsonpath = async (spec: Record<string, unknown>) => (await judgeTolerance({ type: 'jsonpath', target: 'body', ...spec }, http(200, body), empty, noProbe)).met;
  assert.equal(await jsonpath({ path: '$.foo.*[?(@.baz)].baz', expect: ['hello', 'bonjour'] }), true);
  assert.equal(await jsonpath({ path: '$.foo.*[?(@.baz)].baz', count: 2 }), true);
  assert.equal(await jsonpath({ path: '$.foo[0].baz', expect: 'hello' }), true);
  assert.equal(await jsonpath({ path: '$.foo[0].baz', expect: 'bonjour' }), false);
  assert.equal(await jsonpath({ path: '$.missing' }), false);
  // `$.error` exists (it is null): one value found, so a count of 0 is not met.
  assert.equal(await jsonpath({ path: '$.error', count: 0 }), false);
  // Without a target, the path starts at the whole result.
  assert.equal((await judgeTolerance({ type: 'jsonpath', path: '$.status', expect: 200 }, http(200), empty, noProbe)).met, true);
});

test('a tolerance Chaos Toolkit cannot apply is not met, and says `chaos run` would have stopped there', async () => {
  const judged = await judgeTolerance({ type: 'regex', target: 'body', pattern: 'ok' }, http(200, { status: 'ok' }), lookupOf({}, {}), noProbe);
  assert.equal(judged.met, false);
  assert.match(judged.crash ?? '', /would stop the run with a Python TypeError.*JSON object/);
  // A path that only becomes invalid once substituted is known at run time only.
  const late = await judgeTolerance({ type: 'jsonpath', target: 'body', path: '${path}' }, http(200, '{}'), lookupOf({ path: 'items[*]' }, {}), noProbe);
  assert.equal(late.met, false);
  assert.match(late.crash ?? '', /Python error here: after substitution the path is invalid/);
});

test('a probe tolerance is met when its probe runs, whatever its output', async () => {
  const seen: unknown[] = [];
  const runs = async (_t: Record<string, unknown>, value: Record<string, unknown>) => {
    seen.push(value);
    return { ok: true };
  };
  const judged = await judgeTolerance({ type: 'probe', name: 'check', provider: { type: 'process', path: 'false', arguments: {} } }, http(500), lookupOf({}, {}), runs);
  assert.equal(judged.met, true);
  assert.deepEqual(seen, [http(500)]);
});

test('JSONPath reads jsonpath2’s dialect: filters keep the current value, = compares as Python does', () => {
  const doc = { foo: [{ baz: 1 }, { baz: 2 }, { other: true }], bar: { baz: 'hello' }, n: [10, 20, 30, 40] };
  const find = (path: string) => compileJsonPath(path)(doc);
  assert.deepEqual(find('$.foo.*[?(@.baz)]'), [{ baz: 1 }, { baz: 2 }]);
  assert.deepEqual(find('$.bar[?(@.baz = "hello")].baz'), ['hello']);
  assert.deepEqual(find('$.foo.*[?(@.baz = 2.0)].baz'), [2]);
  assert.deepEqual(find('$.foo.*[?(@.baz > 1 or @.other)]'), [{ baz: 2 }, { other: true }]);
  assert.deepEqual(find('$..baz'), [1, 2, 'hello']);
  assert.deepEqual(find('$.n[1:3]'), [20, 30]);
  assert.deepEqual(find('$.n[-1]'), [40]);
  assert.deepEqual(find('$["n"][length()]'), [4]);
  assert.deepEqual(find('$.foo[*].baz'), [1, 2]);
  assert.throws(() => compileJsonPath('foo[*].baz'), JsonPathError);
  assert.throws(() => compileJsonPath('$.foo[?(@.baz'), JsonPathError);
});

test('Python regular expressions: $ before a final newline, named groups, \\A and \\Z', () => {
  assert.equal(compilePythonRegex('^ok$').test('ok\n'), true);
  assert.equal(compilePythonRegex('^ok$').test('ok\nmore'), false);
  assert.equal(compilePythonRegex('(?P<word>a+)-(?P=word)').test('aa-aa'), true);
  assert.equal(compilePythonRegex('\\Aok\\Z').test('ok\n'), false);
  assert.equal(compilePythonRegex('(?i)HELLO').test('hello'), true);
  assert.throws(() => compilePythonRegex('[0-9'), PythonRegexError);
});
