// `gameday` loads the implementation of the one verb it runs, nothing else: `--version` and `--help` answer
// without loading the demo world, the web server, the store's engines or the validators, and `gameday proxy`
// (a sidecar people size against Toxiproxy) holds the proxy and not the rest of GameDay. Which modules a
// process loaded is read from the process itself, through a module hook that writes every URL it loads.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { repoRoot, spawnGameday, tempHome, type TempHome } from '../cli-process.js';

const HOOK = `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(\`import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  if (url.startsWith('file:')) appendFileSync(process.env.GAMEDAY_TEST_LOADED, url + '\\\\n');
  return next(url, context);
}\`));
`;

/** What no verb's definition may load: each is the heavy part of some verb's implementation. */
const HEAVY: [string, RegExp][] = [
  ['the demo world', /\/dist\/src\/demo\//],
  ['the control room', /\/dist\/src\/control-room\/control-room\.js$/],
  ['a store engine', /\/dist\/src\/store\/(sqlite|postgres)-engine\.js$/],
  ['fastify', /\/node_modules\/fastify\//],
  ['pg', /\/node_modules\/pg\//],
  ['zod', /\/node_modules\/zod\//],
  ['the COE language toolkit', /\/node_modules\/compromise\//],
  ["a verb's action", /\/dist\/src\/cli\/[a-z-]+-action\.js$/],
];

/** Runs gameday with the hook; `until` decides when a long-running verb has got far enough to be stopped. */
async function loadedBy(home: TempHome, args: string[], until?: (stdout: string) => boolean): Promise<{ loaded: string[]; code: number | null; stdout: string }> {
  const hook = home.write('record-loads.mjs', HOOK);
  const log = join(home.dir, `loaded-${args.join('-').replace(/[^a-z0-9-]/gi, '')}.txt`);
  const run = spawnGameday(args, home.dir, { NODE_OPTIONS: `--import ${pathToFileURL(hook).href}`, GAMEDAY_TEST_LOADED: log });
  if (until) {
    while (!until(run.stdout()) && run.child.exitCode === null) await Promise.race([once(run.child.stdout!, 'data'), run.done]);
    run.child.kill('SIGTERM');
  }
  const { code, stdout } = await run.done;
  assert.ok(existsSync(log), `the hook recorded nothing for gameday ${args.join(' ')}`);
  return { loaded: readFileSync(log, 'utf8').split('\n').filter(Boolean), code, stdout };
}

function heavyIn(loaded: string[], except: string[] = []): string[] {
  return HEAVY.filter(([what]) => !except.includes(what)).flatMap(([what, pattern]) => loaded.filter((url) => pattern.test(url)).map((url) => `${what}: ${url}`));
}

test('gameday --version, --help and proxy --help load no verb implementation, no server, store engine or validator', async (t) => {
  const home = tempHome('gameday-lazy-');
  t.after(() => home.remove());
  const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
  for (const args of [['--version'], ['--help'], ['proxy', '--help'], ['demo', '--help']]) {
    const { loaded, code, stdout } = await loadedBy(home, args);
    assert.equal(code, 0, `gameday ${args.join(' ')}`);
    if (args[0] === '--version') assert.equal(stdout.trim(), version);
    else assert.match(stdout, /^Usage: gameday/);
    // The hook saw the program being built: an empty record would pass the check below for the wrong reason.
    assert.ok(loaded.some((url) => url.endsWith('/dist/src/cli/program.js')), `gameday ${args.join(' ')} loaded: ${loaded.join(', ')}`);
    assert.deepEqual(heavyIn(loaded), [], `gameday ${args.join(' ')}`);
  }
});

test('gameday proxy loads the proxy, and neither the demo world nor the control room, the store or fastify', async (t) => {
  const home = tempHome('gameday-lazy-');
  t.after(() => home.remove());
  const { loaded, code, stdout } = await loadedBy(home, ['proxy', '--listen', '127.0.0.1:0'], (out) => /control API on http/.test(out));
  assert.equal(code, 0);
  assert.match(stdout, /SIGTERM: reverted 0 toxic\(s\)/);
  assert.ok(loaded.some((url) => url.endsWith('/dist/src/cli/proxy-action.js')));
  assert.ok(loaded.some((url) => url.endsWith('/dist/src/proxy/server.js')));
  // The proxy validates its config with zod; everything else stays out.
  assert.deepEqual(heavyIn(loaded, ["a verb's action", 'zod']), []);
  assert.deepEqual(
    loaded.filter((url) => /\/dist\/src\/cli\/[a-z-]+-action\.js$/.test(url) && !url.endsWith('/proxy-action.js')),
    [],
    'no other verb is loaded',
  );
});
