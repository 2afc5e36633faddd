import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FleetFileError, parseFleetFile } from '../../src/fleet/declaration-file.js';

function problemsOf(text: string): string[] {
  try {
    parseFleetFile(text, 'fleet.yaml');
  } catch (error) {
    assert.ok(error instanceof FleetFileError, `expected FleetFileError, got ${error}`);
    return error.message.split('\n');
  }
  assert.fail('the declaration was accepted');
}

const declaration = `services:
  - name: hello
    command: [node, hello-server.mjs]
    regions: { us-east: 2 }
`;

test('a fleet field of the wrong type is named with its line and what was given; a missing one says missing', () => {
  assert.deepEqual(problemsOf(declaration.replace('[node, hello-server.mjs]', '3')), ['fleet.yaml:3:14 services[0].command: expected array, got number']);
  assert.deepEqual(problemsOf(declaration.replace('    command: [node, hello-server.mjs]\n', '')), ['fleet.yaml:2:5 services[0].command: missing; expected array']);
  assert.deepEqual(problemsOf(declaration.replace('restart', '').replace('regions:', 'restrat: never\n    regions:')), [
    'fleet.yaml:4:5 services[0].restrat: unknown field (check its spelling; see docs/fleet.md)',
  ]);
});
