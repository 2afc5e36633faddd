// A reader process for bench/levers-push.ts. `push` reads the lever through OpenFeature and our
// LeverProvider (the push channel); `poll` is the baseline every polling flag SDK uses: GET the lever
// every 100 ms (far more often than the 15–60 s defaults of polling SDKs, to make the baseline strong).
// Prints one JSON line per change seen, with a wall-clock time in sub-millisecond precision.
import { OpenFeature, ProviderEvents } from '@openfeature/server-sdk';
import { LeverProvider } from '../src/levers/openfeature-provider.js';

const [mode, url, flag] = process.argv.slice(2);
const now = () => performance.timeOrigin + performance.now();
const say = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);
const POLL_INTERVAL_MS = 100;

if (mode === 'push') {
  const client = OpenFeature.getClient();
  client.addHandler(ProviderEvents.ConfigurationChanged, () => {
    const at = now();
    void client.getBooleanValue(flag, false).then((seen) => say({ seen, at }));
  });
  await OpenFeature.setProviderAndWait(new LeverProvider({ url }));
  say({ ready: true });
} else {
  let last: boolean | undefined;
  const poll = async () => {
    const lever = (await (await fetch(`${url}/levers/${flag}`)).json()) as { state: string };
    const seen = lever.state === 'pulled';
    if (last !== undefined && seen !== last) say({ seen, at: now() });
    if (last === undefined) say({ ready: true });
    last = seen;
  };
  setInterval(() => void poll().catch(() => {}), POLL_INTERVAL_MS);
}
