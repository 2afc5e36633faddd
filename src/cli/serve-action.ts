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
import { isSeverity, SEVERITIES } from '../incidents/severity.js';
import { describeLocation, storeLocation } from '../store/location.js';
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
/**
 * The file a flag names, else `fallback` in the working folder if there is one, loaded; `undefined` when
 * there is neither. An invalid file is said (as `what`), exit 3, and `invalid` is returned.
 */
function loadOptional<T>(named: string | undefined, fallback: string, load: (file: string) => T, refused: new (...args: never[]) => Error, what: string): { file?: string; value?: T } | 'invalid' {
  const file = named ?? (existsSync(fallback) ? fallback : undefined);
  try {
    return { file, value: file ? load(file) : undefined };
  } catch (error) {
    if (!(error instanceof refused)) throw error;
    process.stderr.write(`gameday serve: invalid ${what}:\n${error.message}\n`);
    process.exitCode = ExitCode.invalid;
    return 'invalid';
  }
}

/** What to say when this control room takes or loses a piece of work only one of them does. */
function workNotice(took: string, lost: string, started: () => boolean): (held: boolean) => void {
  return (held) => {
    if (started()) process.stderr.write(`gameday serve: ${held ? took : lost}\n`);
  };
}

export async function runServe(options: ServeOptions): Promise<void> {
  const leverFile = loadOptional(options.levers, 'levers.yaml', loadLeverConfig, LeverConfigError, 'lever declarations');
  if (leverFile === 'invalid') return;
  const statusFile = loadOptional(options.status, 'status.yaml', loadStatusFile, StatusFileError, 'status page');
  if (statusFile === 'invalid') return;
  const file = leverFile.file;
  const levers: LeverDeclaration[] = leverFile.value ?? [];
  const status: LoadedStatusFile | undefined = statusFile.value;
  if (!isSeverity(options.alertSeverity)) {
    process.stderr.write(`gameday serve: --alert-severity is one of ${SEVERITIES.join(', ')}, got "${options.alertSeverity}"\n`);
    process.exitCode = ExitCode.invalid;
    return;
  }
  let started = false;
  const store = storeLocation(options.store);
  // Said once the control room is up, then on every change: which control room does the work that must happen once.
  const isStarted = () => started;
  const onExpiryWork = workNotice('this control room took over the lease-expiry work', 'lost the lease-expiry work (the store connection broke); trying to take it again', isStarted);
  const onStatusWork = workNotice('this control room took over the status monitors', 'lost the status monitors; trying to take them again', isStarted);
  const onIncidentWork = workNotice('this control room took over declaring incidents from status changes', 'lost the incident triggers; trying to take them again', isStarted);
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
