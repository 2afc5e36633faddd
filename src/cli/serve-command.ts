import { existsSync } from 'node:fs';
import { LeverConfigError, loadLeverConfig } from '../levers/lever-config.js';
import { DEFAULT_LEVERS_LISTEN, LeverServiceError, startLeverService } from '../levers/lever-service.js';
import type { LeverDeclaration } from '../levers/lever.js';
import { describeLocation, storeLocation } from '../store/database.js';
import { StoreVersionError } from '../store/migrations.js';
import { ExitCode, collectHosts, type CommandRegistration } from './command.js';
import { STORE_FLAG, STORE_HELP } from './store-option.js';

// `gameday serve`: the control room, the long-running services of GameDay. For now the lever service; the
// dashboard and the status page join it here. Several may serve one PostgreSQL store (docs/store.md).

interface ServeOptions {
  listen: string;
  token?: string;
  levers?: string;
  store?: string;
  allowHost?: string[];
}

export const registerServeCommand: CommandRegistration = (program) => {
  program
    .command('serve')
    .description('Run the lever service (API, push channel, metrics) until interrupted')
    .option('--listen <host:port>', 'where the lever service listens', DEFAULT_LEVERS_LISTEN)
    .option('--token <token>', 'access token; required to listen beyond 127.0.0.1 (default: GAMEDAY_LEVERS_TOKEN)')
    .option('--levers <file>', 'lever declarations (YAML or JSON; default: ./levers.yaml if present)')
    .option(STORE_FLAG, STORE_HELP)
    .option('--allow-host <name>', 'another name the service is reached by (beyond loopback and --listen); repeatable', collectHosts)
    .action(async (options: ServeOptions) => {
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
      let service;
      let started = false;
      const store = storeLocation(options.store);
      // Said once the service is up, then on every change: which control room does the work that must happen once.
      const onExpiryWork = (held: boolean) => {
        if (!started) return;
        process.stderr.write(
          held ? 'gameday serve: this control room took over the lease-expiry work\n' : 'gameday serve: lost the lease-expiry work (the store connection broke); trying to take it again\n',
        );
      };
      try {
        service = await startLeverService({ listen: options.listen, token: options.token ?? process.env.GAMEDAY_LEVERS_TOKEN, store: options.store, levers, onExpiryWork, allowedHosts: options.allowHost });
      } catch (error) {
        if (!(error instanceof LeverServiceError) && !(error instanceof StoreVersionError)) throw error;
        process.stderr.write(`gameday serve: ${error.message}\n`);
        process.exitCode = ExitCode.invalid;
        return;
      }
      started = true;
      const count = (await service.board.list()).length;
      process.stderr.write(
        `gameday serve: lever service on ${service.url} — ${count} lever${count === 1 ? '' : 's'}${file ? ` (declared in ${file})` : ''}; Ctrl-C to stop\n` +
          `gameday serve: store ${describeLocation(store)} (${store.engine}); ${
            service.expiryHeld ? 'this control room holds the lease-expiry work' : 'another control room holds the lease-expiry work; this one takes it over if that one stops'
          }\n`,
      );
      const startedAt = Date.now();
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      const before = (await service.board.leases.list()).length;
      const others = await service.room.others().catch(() => 0);
      // Leased changes are undone by close() unless another control room serves them; what a human pulled by hand stays pulled.
      const pulled = (await service.board.list()).filter((lever) => lever.state === 'pulled' && !lever.lease).map((lever) => lever.name);
      started = false; // giving the work back on the way out is not news
      await service.close();
      process.stderr.write(
        `gameday serve: stopped after ${Math.round((Date.now() - startedAt) / 1000)}s; ` +
          `${others > 0 ? `${before} lease${before === 1 ? '' : 's'} left to the other control room${others === 1 ? '' : 's'}` : `${before} lease${before === 1 ? '' : 's'} released`}; ` +
          `${pulled.length > 0 ? `still pulled: ${pulled.join(', ')}` : 'no lever pulled'}\n`,
      );
    });
};
