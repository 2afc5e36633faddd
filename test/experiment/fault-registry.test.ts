// The fault registry without exceptions: every kind — the lever included, and kinds whose params are a union
// — is a step the schema accepts and a table the docs show; a kind that cannot be both is refused loudly.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { duration } from '../../src/experiment/units-schema.js';
import type { FaultDefinition } from '../../src/faults/fault.js';
import { checkFaultKinds } from '../../src/faults/fault-params.js';

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
