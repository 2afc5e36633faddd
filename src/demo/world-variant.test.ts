import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { parseWorldVariant, readWorldVariant, WorldVariantError } from './world-variant.js';

const example = (name: string) => fileURLToPath(new URL(`../../../examples/${name}`, import.meta.url));

test('the no-timeouts example asks for the naive assembler and the flagship for the well-built one', () => {
  assert.deepEqual(readWorldVariant(example('no-timeouts.yaml')), { naiveAssembler: true });
  assert.deepEqual(readWorldVariant(example('peak-gameday.yaml')), { naiveAssembler: false });
});

test('a gameday-demo line is read wherever it is, and the last setting wins', () => {
  const text = 'title: x\n#   gameday-demo: assembler-timeouts=off\nmethod: []\n# gameday-demo: assembler-timeouts=on\n';
  assert.deepEqual(parseWorldVariant(text, 'x.yaml'), { naiveAssembler: false });
});

test('an unknown world setting is refused with file, line and column and what is expected', () => {
  assert.throws(
    () => parseWorldVariant('title: x\n# gameday-demo: assembler-timeout=off\n', 'mine.yaml'),
    (error: Error) => error instanceof WorldVariantError && /^mine\.yaml:2:17 gameday-demo: "assembler-timeout=off" is not a world setting; expected assembler-timeouts=on/.test(error.message),
  );
});
