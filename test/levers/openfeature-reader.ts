// A separate process that reads levers the way application code does: through the OpenFeature API.
// Spawned by openfeature-provider.test.ts; prints one JSON line per thing it saw, with a wall-clock time
// in sub-millisecond precision (performance.timeOrigin + now) that the parent compares with its own, and
// the time this process had spent waiting for a CPU.
import { OpenFeature, ProviderEvents } from '@openfeature/server-sdk';
import { LeverProvider } from '../../src/levers/openfeature-provider.js';
import { runQueueWaitMs } from '../run-queue.js';

const [url, flag] = process.argv.slice(2);
const now = () => performance.timeOrigin + performance.now();
const say = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);

const client = OpenFeature.getClient();
client.addHandler(ProviderEvents.ConfigurationChanged, (details) => {
  const seenAt = now();
  // How long this process had waited for a CPU by then, so the test can tell the machine's delay from ours.
  const waited = runQueueWaitMs();
  if (!details?.flagsChanged?.includes(flag)) return;
  // Read through the standard API, as application code would, to prove the value (not only the event) changed.
  void client.getBooleanValue(flag, false).then((value) => say({ seen: value, at: seenAt, waited }));
});
try {
  await OpenFeature.setProviderAndWait(new LeverProvider({ url }));
  say({ ready: await client.getBooleanValue(flag, false) });
} catch (error) {
  say({ initError: (error as Error).message });
}
process.on('SIGTERM', () => void OpenFeature.close().then(() => process.exit(0)));
