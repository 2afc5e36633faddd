import { Gauge } from 'prom-client';
import type { ControlRoomModule, ModuleFactory } from '../control-room/module.js';
import type { LoadedStatusFile } from './config.js';
import { StatusWork } from './evaluator.js';
import type { StatusIncidents } from './incidents.js';
import { StatusReader, staticFiles, writeStaticFiles } from './reader.js';
import { answerStatusError, statusRoutes } from './routes.js';
import { MEASURED_STATUSES, rank } from './status.js';
import type { UptimeExclusions } from './uptime.js';

// The status page as a module of the control room. Every control room serves the page and its API from
// the store; the monitors, the facts of change and the webhooks run in one room per store, under the
// 'status-monitors' hold, so two rooms on one store measure once. With `statusDir`, this room also keeps a
// static copy of the page in a folder, rewritten (atomically, file by file) at least every second.

export const STATUS_WORK = 'status-monitors';
/** The static copy is rewritten this often, and at once when a change is announced. */
const EXPORT_MS = 1000;

export interface StatusModuleOptions {
  /** The status.yaml this room measures when it holds the monitors; without it the room only serves what the store has. */
  loaded?: LoadedStatusFile;
  /** Incidents shown on the page and in the API (the incidents module); none: no incidents, which is then true. */
  incidents?: StatusIncidents;
  /** Time kept out of uptime (drills), from the incidents module. */
  exclude?: UptimeExclusions;
  /** A folder this room keeps a static copy of the page in. */
  statusDir?: string;
  /** Told when this room takes (`held`) or loses the monitors. */
  onWork?: (held: boolean) => void;
}

export interface StatusModule extends ControlRoomModule {
  name: 'status';
  reader: StatusReader;
  readonly monitorsHeld: boolean;
  /** Writes the static copy now (also what `--status-dir` does every second). */
  exportNow(dir: string): Promise<void>;
}

export function statusModule(options: StatusModuleOptions = {}): ModuleFactory {
  return async ({ store, room, log, metrics, url, forms }): Promise<StatusModule> => {
    const reader = new StatusReader(store, { incidents: options.incidents, exclude: options.exclude });
    let work: StatusWork | undefined;
    const loaded = options.loaded;
    const hold = loaded
      ? room.hold(STATUS_WORK, {
          acquired: async () => {
            const starting = new StatusWork({ store, config: loaded.config, file: loaded.file, webhooks: loaded.webhooks, log, pageUrl: () => loaded.config.page.url ?? `${url()}/status` });
            await starting.start();
            work = starting;
            log.info('this control room holds the status monitors');
            options.onWork?.(true);
          },
          lost: async () => {
            const stopping = work;
            work = undefined;
            await stopping?.stop();
            options.onWork?.(false);
          },
        })
      : undefined;
    await hold?.ready;

    new Gauge({
      name: 'gameday_status_component',
      help: 'Each component\'s shown status: 1 for the status it has, 0 for the others (no_data included)',
      labelNames: ['component', 'status'],
      registers: [metrics],
      async collect() {
        this.reset();
        const view = await reader.view().catch(() => undefined);
        for (const component of view?.components ?? []) {
          for (const status of [...MEASURED_STATUSES, 'no_data' as const]) this.set({ component: component.id, status }, component.status === status ? 1 : 0);
        }
      },
    });

    const exportNow = async (dir: string) => writeStaticFiles(dir, staticFiles(await reader.view({ history: true }), url()));
    let exporter: NodeJS.Timeout | undefined;
    let unsubscribe: (() => Promise<void>) | undefined;
    if (options.statusDir) {
      const dir = options.statusDir;
      let busy = false;
      const refresh = () => {
        if (busy) return;
        busy = true;
        exportNow(dir)
          .catch((error: Error) => log.warn({ err: error }, `the static status page in ${dir} could not be written: ${error.message}`))
          .finally(() => (busy = false));
      };
      exporter = setInterval(refresh, EXPORT_MS);
      exporter.unref();
      unsubscribe = await store.subscribe('status', refresh);
      refresh();
    }

    return {
      name: 'status',
      reader,
      get monitorsHeld() {
        return Boolean(hold?.held);
      },
      exportNow,
      routes: (app) => statusRoutes(app, reader, forms, url),
      answerError: answerStatusError,
      describe: async () => {
        const view = await reader.view().catch(() => undefined);
        if (!view) return 'no status page in the store yet (give --status status.yaml)';
        const bad = view.components.filter((c) => rank(c.status) > 0).length;
        const where = loaded ? (hold?.held ? `measured here from ${loaded.file}` : `another control room measures; this one takes over if it stops`) : `from the store (${view.source.file})`;
        return `/status: ${view.components.length} component${view.components.length === 1 ? '' : 's'}, ${bad} not operational; ${where}${options.statusDir ? `; static copy in ${options.statusDir}` : ''}`;
      },
      close: async () => {
        clearInterval(exporter);
        await unsubscribe?.();
        await hold?.release();
      },
    };
  };
}
