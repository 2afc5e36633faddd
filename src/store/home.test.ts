import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { gamedayHomePath } from './home.js';

test('the store is per user, not per directory: GAMEDAY_HOME, else XDG_STATE_HOME/gameday, else ~/.gameday', () => {
  assert.equal(gamedayHomePath({ GAMEDAY_HOME: '/tmp/gd-home', XDG_STATE_HOME: '/tmp/xdg' }), resolve('/tmp/gd-home'));
  assert.equal(gamedayHomePath({ XDG_STATE_HOME: '/tmp/xdg' }), resolve('/tmp/xdg/gameday'));
  assert.equal(gamedayHomePath({}), join(homedir(), '.gameday'));
  assert.notEqual(gamedayHomePath({}), resolve('.gameday'), 'the default must not follow the current directory');
});
