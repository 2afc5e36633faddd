// Loaded (--import) into every file that `npm run test:unit` runs: a unit test starts no process, so
// no demo world, no fleet, no browser and no CLI child. Rather than trust a list to stay true, every way
// of starting a process throws and names the rule; a test that needs one belongs in the whole suite only.
import childProcess from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';

for (const name of ['spawn', 'spawnSync', 'fork', 'exec', 'execSync', 'execFile', 'execFileSync']) {
  childProcess[name] = () => {
    throw new Error(`a unit test starts no process (it called child_process.${name}); run it with npm test, and take it off the unit list in scripts/run-tests.mjs`);
  };
}
// Named imports (`import { spawn } from 'node:child_process'`) read the patched functions only after this.
syncBuiltinESMExports();
