import { existsSync } from 'node:fs';
import { coeModule } from '../coe/coe-module.js';
import { ControlRoomError, startControlRoom, type ControlRoomServer } from '../control-room/control-room.js';
import type { ModuleFactory } from '../control-room/module.js';
import { dashboardModule } from '../dashboard/dashboard-module.js';
import { LeverConfigError, loadLeverConfig } from '../levers/lever-config.js';
import { leverModule, type LeverModule } from '../levers/lever-module.js';
import type { LeverDeclaration } from '../levers/lever.js';
import { loadStatusFile, StatusFileError, type LoadedStatusFile } from '../status/config.js';
import { statusModule } from '../status/status-module.js';
import { incidentsModule } from '../incidents/incidents-module.js';
import { isSeverity } from '../incidents/severity.js';
import { describeLocation, storeLocation } from '../store/database.js';
import { StoreVersionError } from '../store/migrations.js';
import { ExitCode } from './command.js';

export interface ServeOptions {
  listen: string;
  token?: string;
  levers?: string;
  status?: string;
  statusDir?: string;
  store?: string;
  allowHost?: string[];
  onCall: string;
  alertSeverity: string;
}

/** The action of `gameday serve`, loaded when it runs (the verb's definition is in serve-command.ts). */
export async function runServe(options: ServeOptions): Promise<void> {
  let levers: LeverDeclaration[] = [];
  const file = options.levers ?? (existsSync('levers.yaml') ? 'levers.yaml' : undefined);
  try {
    if (file) levers = loadLeverConfig(file);
  } catch (error) {
    if (!(error instanceof LeverConfigError)) throw error;
    process.stderr.write(`gameday serve: invalid lever declarations:\n${error.message}\n`);
    process.exitCode = ExitCode.invalid;
    return;
  }
  let status: LoadedStatusFile | undefined;
  const statusFile = options.status ?? (existsSync('status.yaml') ? 'status.yaml' : undefined);
  try {
    if (statusFile) status = loadStatusFile(statusFile);
  } catch (error) {
    if (!(error instanceof StatusFileError)) throw error;
    process.stderr.write(`gameday serve: invalid status page:\n${error.message}\n`);
    process.exitCode = ExitCode.invalid;
    return;
  }
  if (!isSeverity(options.alertSeverity)) {
    process.stderr.write(`gameday serve: --alert-severity is one of SEV1, SEV2, SEV3, SEV4, got "${options.alertSeverity}"\n`);
    process.exitCode = ExitCode.invalid;
    return;
  }
  let started = false;
  const store = storeLocation(options.store);
  // Said once the control room is up, then on every change: which control room does the work that must happen once.
  const onExpiryWork = (held: boolean) => {
    if (!started) return;
    process.stderr.write(
      held ? 'gameday serve: this control room took over the lease-expiry work\n' : 'gameday serve: lost the lease-expiry work (the store connection broke); trying to take it again\n',
    );
  };
  const onStatusWork = (held: boolean) => {
    if (started) process.stderr.write(held ? 'gameday serve: this control room took over the status monitors\n' : 'gameday serve: lost the status monitors; trying to take them again\n');
  };
  const onIncidentWork = (held: boolean) => {
    if (started) process.stderr.write(held ? 'gameday serve: this control room took over declaring incidents from status changes\n' : 'gameday serve: lost the incident triggers; trying to take them again\n');
  };
  const incidents = incidentsModule({ onCall: options.onCall, alertSeverity: options.alertSeverity, onWork: onIncidentWork });
  // The dashboard comes last: it shows what the modules before it serve.
  const modules: ModuleFactory[] = [
    leverModule({ levers, onExpiryWork }),
    incidents,
    coeModule(),
    statusModule({ loaded: status, statusDir: options.statusDir, onWork: onStatusWork, incidents: incidents.status.incidents, exclude: incidents.status.exclude }),
    dashboardModule(),
  ];
  let server: ControlRoomServer;
  try {
    server = await startControlRoom({ listen: options.listen, token: options.token ?? process.env.GAMEDAY_LEVERS_TOKEN, store: options.store, allowedHosts: options.allowHost, modules });
  } catch (error) {
    if (!(error instanceof ControlRoomError) && !(error instanceof StoreVersionError)) throw error;
    process.stderr.write(`gameday serve: ${error.message}\n`);
    process.exitCode = ExitCode.invalid;
    return;
  }
  started = true;
  const lever = server.module<LeverModule>('levers')!;
  const lines = [`gameday serve: control room on ${server.url}; dashboard: open ${server.url}/ in a browser; Ctrl-C to stop`];
  for (const module of server.modules) {
    const what = (await module.describe?.()) ?? '';
    lines.push(`  ${module.name.padEnd(10)} ${what}${module.name === 'levers' && file ? ` (declared in ${file})` : ''}`);
  }
  lines.push(
    `  ${'store'.padEnd(10)} ${describeLocation(store)} (${store.engine}); ${
      lever.expiryHeld ? 'this control room holds the lease-expiry work' : 'another control room holds the lease-expiry work; this one takes it over if that one stops'
    }`,
  );
  process.stderr.write(`${lines.join('\n')}\n`);
  const startedAt = Date.now();
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  const before = (await lever.board.leases.list()).length;
  const others = await server.room.others().catch(() => 0);
  // Leased changes are undone by close() unless another control room serves them; what a human pulled by hand stays pulled.
  const pulled = (await lever.board.list()).filter((one) => one.state === 'pulled' && !one.lease).map((one) => one.name);
  started = false; // giving the work back on the way out is not news
  await server.close();
  process.stderr.write(
    `gameday serve: stopped after ${Math.round((Date.now() - startedAt) / 1000)}s; ` +
      `${others > 0 ? `${before} lease${before === 1 ? '' : 's'} left to the other control room${others === 1 ? '' : 's'}` : `${before} lease${before === 1 ? '' : 's'} released`}; ` +
      `${pulled.length > 0 ? `still pulled: ${pulled.join(', ')}` : 'no lever pulled'}\n`,
  );
}
