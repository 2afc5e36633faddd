// What `npm install gameday` gets: the published tarball, as `npm pack` makes it. dist/ is not in git, so
// without the package's `files` list npm would leave the build out and every command of an installed
// gameday would stop at "the build is missing". The list is checked against the build itself, so a new
// module, sidecar or example the runtime reads cannot be left behind unnoticed.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../cli-process.js';

function filesUnder(dir: string): string[] {
  return readdirSync(join(repoRoot, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(repoRoot, join(entry.parentPath, entry.name)));
}

function packed(): string[] {
  // --ignore-scripts: the build is already there (npm pack would otherwise run `prepare`, i.e. tsc, first).
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'silent' } });
  return (JSON.parse(out) as Array<{ files: Array<{ path: string }> }>)[0].files.map((file) => file.path);
}

test('the npm package carries the build, its sidecars and the examples the demo reads, and no tests', () => {
  const files = new Set(packed());
  const runtime = filesUnder('dist/src').filter((file) => file.endsWith('.js') && !/\.test\.js$/.test(file));
  assert.ok(runtime.length > 100, `the build has ${runtime.length} modules; build first`);
  assert.deepEqual(runtime.filter((file) => !files.has(file)), [], 'every module of the build is in the package');
  for (const file of ['bin/gameday.js', 'package.json', 'README.md', 'examples/peak-gameday.yaml', 'examples/status/shop.yaml', 'examples/gameday.schema.json']) {
    assert.ok(files.has(file), `${file} is in the package`);
  }
  const unwanted = [...files].filter((file) => /^(test|bench|scripts|src|\.ci)\//.test(file) || file.startsWith('dist/test/') || /\.test\.js$/.test(file));
  assert.deepEqual(unwanted, [], 'tests, benchmarks, sources and CI scripts stay out of the package');
});
