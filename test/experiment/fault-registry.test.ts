// The fault registry without exceptions: every kind — the lever included, and kinds whose params are a union
// — is a step the schema accepts and a table the docs show; a kind that cannot be both is refused loudly.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { z } from 'zod';
import { asFaultStep, blastRadius, type ResolvedTargets } from '../../src/experiment/blast-radius.js';
import { parseExperiment } from '../../src/experiment/load-file.js';
import { describeStep } from '../../src/experiment/method.js';
import { faultStepSchemas, type Step } from '../../src/experiment/schema.js';
import { duration } from '../../src/units/units-schema.js';
import type { FaultDefinition } from '../../src/faults/fault.js';
import { checkFaultKinds, faultParameters } from '../../src/faults/fault-params.js';
import { faultRegistry } from '../../src/faults/registry.js';
import { repoRoot, spawnGameday, tempHome } from '../cli-process.js';

/** A definition that never touches anything: only its params matter to the registry and the schema. */
function kind(name: string, params: z.ZodType, extra: Partial<FaultDefinition<unknown>> = {}): FaultDefinition<unknown> {
  return {
    kind: name,
    summary: `the ${name} test kind`,
    targetKind: 'proxy',
    params,
    describe: () => name,
    inject: async () => async () => {},
    ...extra,
  };
}

const said = (meaning: string) => ({ description: meaning });

test('a kind whose params a step or the docs cannot express is refused when the registry is read, naming the kind and why', () => {
  const good = kind('fine', z.object({ delay: duration.meta(said('How long')) }).strict());
  const refusals: Array<[FaultDefinition<unknown>, RegExp]> = [
    [kind('a-string', z.string()), /"a-string" is refused: its params are a zod string; .*must be an object or a union of objects/],
    [kind('a-transform', z.object({}).transform(() => ({}))), /"a-transform" is refused: its params are a zod pipe/],
    [kind('a-custom', z.object({ x: z.custom<Buffer>().meta(said('bytes')) })), /"a-custom" is refused: its params cannot be written in JSON Schema: Custom types/],
    [kind('a-target', z.object({ target: z.string().meta(said('where')) })), /"a-target" is refused: parameter target is a field of every fault step/],
    [kind('no-meaning', z.object({ size: z.number() })), /"no-meaning" is refused: parameter size has no description/],
    [kind('unit-only', z.object({ after: duration })), /"unit-only" is refused: parameter after has only the description of its unit \(duration\)/],
    [kind('nested', z.object({ match: z.object({ path: z.string() }).meta(said('which requests')) })), /"nested" is refused: parameter match\.path has no description/],
    [kind('fine', z.object({})), /"fine" is refused: another definition has the same kind/],
  ];
  for (const [definition, reason] of refusals) {
    assert.throws(() => checkFaultKinds([good, definition]), (error: Error) => {
      assert.match(error.message, /^the fault registry cannot be used:\n/);
      assert.match(error.message, reason);
      assert.doesNotMatch(error.message, /"fine" is refused: (?!another)/, 'a good kind is not refused');
      return true;
    });
  }
  assert.doesNotThrow(() => checkFaultKinds([good]));
});

// A kind whose params are a plain union (like the lever's) and one whose params are a discriminated union.
const nudge = kind(
  'nudge',
  z
    .union([
      z.strictObject({ up: z.number().int().meta(said('Steps up')) }),
      z.strictObject({ down: z.number().int().meta(said('Steps down')), floor: z.number().int().default(0).meta(said('Lowest step')) }),
    ])
    .refine((p) => ('up' in p ? p.up : p.down) < 10, 'at most 9 steps'),
  { step: { key: 'nudge', description: 'Nudge something' } },
);
const shape = kind(
  'shape',
  z.discriminatedUnion('mode', [
    z.strictObject({ mode: z.literal('fixed').meta(said('Always the same')), delay: duration.meta(said('The delay')) }),
    z.strictObject({ mode: z.literal('ramp').meta(said('Growing')), from: duration.meta(said('First delay')), to: duration.meta(said('Last delay')) }),
  ]),
);

test('a kind whose params are a union or a discriminated union is a step in each of its forms, with its own step, checks and JSON Schema', () => {
  checkFaultKinds([nudge, shape]);
  const { fault, own } = faultStepSchemas([nudge, shape]);
  assert.deepEqual(fault.parse({ kind: 'nudge', target: 't', up: 2 }), { kind: 'nudge', target: 't', up: 2 });
  assert.deepEqual(fault.parse({ kind: 'nudge', target: 't', down: 3, duration: '1s' }), { kind: 'nudge', target: 't', down: 3, floor: 0, duration: 1000 });
  assert.deepEqual(fault.parse({ kind: 'shape', target: 't', mode: 'ramp', from: '10ms', to: '1s' }), { kind: 'shape', target: 't', mode: 'ramp', from: 10, to: 1000 });
  const mixed = fault.safeParse({ kind: 'nudge', target: 't', up: 1, down: 1 });
  assert.equal(mixed.error?.issues[0].message, 'expected one of the forms of nudge: { up } or { down }');
  assert.equal(fault.safeParse({ kind: 'nudge', target: 't', up: 12 }).error?.issues[0].message, 'at most 9 steps', "the union's own refine still applies");
  assert.equal(fault.safeParse({ kind: 'shape', target: 't', mode: 'fixed' }).success, false);
  assert.deepEqual(fault.safeParse({ kind: 'nope', target: 't' }).error?.issues[0].path, ['kind']);
  assert.deepEqual(own.nudge.parse({ down: 1 }), { down: 1, floor: 0 }, 'its own step needs no target');
  assert.deepEqual(Object.keys(own), ['nudge']);
  const json = JSON.stringify(z.toJSONSchema(fault, { io: 'input' }));
  for (const field of ['"up"', '"down"', '"floor"', '"const":"fixed"', '"const":"ramp"', '"from"']) assert.ok(json.includes(field), `the JSON Schema lacks ${field}`);
  assert.deepEqual(
    faultParameters(shape).map((rows) => rows.map((row) => `${row.name}: ${row.type}${row.required ? '' : '?'}`)),
    [['mode: "fixed"', 'delay: duration'], ['mode: "ramp"', 'from: duration', 'to: duration']],
  );
});

test('a kind whose own step would take the name of a built-in step is refused, naming the kind', () => {
  assert.throws(() => faultStepSchemas([kind('pause', z.object({}), { step: { key: 'wait', description: 'x' } })]), /fault kind "pause" is refused: its step key "wait" is a built-in step/);
  assert.throws(() => checkFaultKinds([nudge, kind('shove', z.object({}), { step: { key: 'nudge', description: 'x' } })]), /"shove" is refused: its step key "nudge" is already the step of nudge/);
});

test('a lever written as its own step and as a `fault:` step is the same fault: same target, blast radius and label', () => {
  const experiment = (step: string) =>
    parseExperiment(`title: t\ntargets:\n  switches: { kind: levers }\nmethod:\n  - ${step}\n`, 'exp.yaml').experiment;
  const own = experiment('lever: { pull: disable-ads }');
  const fault = experiment('fault: { kind: lever, target: switches, pull: disable-ads }');
  const targets: ResolvedTargets = new Map([['switches', [{ name: 'switches', kind: 'levers', controlUrl: 'http://127.0.0.1:8475', selector: 'disable-ads' }]]]);
  const step = (e: typeof own): Step => e.method[0];
  assert.deepEqual(asFaultStep(step(own), own), asFaultStep(step(fault), fault));
  assert.deepEqual(blastRadius(own, targets), ['pull lever disable-ads on the lever service http://127.0.0.1:8475 (undone at rollback), until the method ends (target switches)']);
  assert.deepEqual(blastRadius(fault, targets), blastRadius(own, targets));
  assert.equal(describeStep(step(own), own), 'pull lever disable-ads');
  assert.equal(describeStep(step(fault), fault), 'pull lever disable-ads');
  const problem = (step: string) => {
    try {
      experiment(step);
    } catch (error) {
      return (error as Error).message;
    }
    return 'valid';
  };
  assert.match(problem('lever: { pull: disable-ads, reset: disable-ads }'), /method\[0\]\.lever: expected one of the forms of lever: \{ pull \} or \{ reset \}/);
  assert.match(problem('lever: { pull: disable-ads, target: nowhere }'), /method\[0\]\.lever\.target: expected a declared target \(switches\), got "nowhere"/);
  assert.match(problem('fault: { kind: lever, pull: disable-ads }'), /method\[0\]\.fault: expected one of the forms of lever: \{ pull \} or \{ reset \}; as \{ pull \}: target: missing/, 'a `fault:` step always names its target');
});

test('docs/experiments.md shows exactly the tables `gameday faults --markdown` prints, one section per kind', async (t) => {
  const home = tempHome();
  t.after(() => home.remove());
  const printed = await spawnGameday(['faults', '--markdown'], home.dir).done;
  assert.equal(printed.code, 0, printed.stderr);
  for (const definition of faultRegistry) {
    assert.match(printed.stdout, new RegExp(`^\\| \\[\`${definition.kind}\`\\]\\(#${definition.kind}\\) \\| \`${definition.targetKind}\` \\|`, 'm'));
    assert.match(printed.stdout, new RegExp(`^#### \`${definition.kind}\`\\n\\nOn a \`${definition.targetKind}\` target\\.`, 'm'));
  }
  const doc = readFileSync(join(repoRoot, 'docs/experiments.md'), 'utf8');
  const begin = '<!-- BEGIN generated by `gameday faults --markdown` -->\n';
  const end = '<!-- END generated by `gameday faults --markdown` -->';
  assert.ok(doc.includes(begin) && doc.includes(end), 'docs/experiments.md marks the generated part');
  const generated = doc.slice(doc.indexOf(begin) + begin.length, doc.indexOf(end));
  assert.equal(generated, printed.stdout, 'regenerate it: paste `gameday faults --markdown` between the markers in docs/experiments.md');
});
