#!/usr/bin/env node
// The compiled CLI lives in dist/ (built by `npm install` through the prepare script).
import('../dist/src/cli/main.js').catch((error) => {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/src/cli/main.js')) {
    console.error('gameday: the build is missing; run `npm install` (or `npm run build`) first.');
    process.exit(4);
  }
  // A build that cannot start (e.g. a fault kind the registry refuses) is an internal error: exit 4, with
  // the reason, never 1 — which a CI pipeline would read as "hypothesis violated".
  console.error(`gameday: ${error?.message ?? error}`);
  if (process.env.GAMEDAY_DEBUG) console.error(error?.stack);
  process.exit(4);
});
