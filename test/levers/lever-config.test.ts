import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LeverConfigError, parseLeverConfig } from '../../src/levers/lever-config.js';

test('levers.yaml declares levers with a description and an optional critical path; JSON is accepted too', () => {
  const yaml = 'levers:\n  - name: disable-ads\n    description: stop calling the ad service\n    critical_path: checkout\n';
  assert.deepEqual(parseLeverConfig(yaml), [{ name: 'disable-ads', description: 'stop calling the ad service', critical_path: 'checkout' }]);
  assert.deepEqual(parseLeverConfig('{"levers": [{"name": "disable-ads", "description": "stop ads"}]}', 'levers.json'), [
    { name: 'disable-ads', description: 'stop ads' },
  ]);
});

test('a bad lever declaration is refused naming file:line:column, the field path and what was expected', () => {
  const typo = 'levers:\n  - name: disable-ads\n    description: stop ads\n  - name: disable-recs\n    descripton: typo\n';
  assert.throws(
    () => parseLeverConfig(typo, 'shop/levers.yaml'),
    (error: unknown) => {
      assert.ok(error instanceof LeverConfigError);
      assert.deepEqual(error.message.split('\n'), [
        'shop/levers.yaml:4:5: levers[1].description: a lever needs a description: what pulling it sheds',
        'shop/levers.yaml:4:5: levers[1]: Unrecognized key: "descripton"',
      ]);
      return true;
    },
  );
  const twice = 'levers:\n  - name: disable-ads\n    description: stop ads\n  - name: disable-ads\n    description: again\n';
  assert.throws(() => parseLeverConfig(twice, 'shop/levers.yaml'), {
    name: 'LeverConfigError',
    message: 'shop/levers.yaml:4:11: levers[1].name: "disable-ads" is declared twice (first at levers[0])',
  });
});

test('text that is not YAML is refused with the position of the syntax error', () => {
  assert.throws(() => parseLeverConfig('levers:\n  - name: "unterminated\n', 'levers.yaml'), /^LeverConfigError: levers\.yaml:\d+:\d+: not valid YAML or JSON: Missing closing "quote/);
  assert.throws(() => parseLeverConfig('levers: 3\n', 'levers.yaml'), /^LeverConfigError: levers\.yaml:1:9: levers: /);
});
