import { existsSync } from 'node:fs';
import { LeverConfigError, loadLeverConfig } from '../levers/lever-config.js';
import { DEFAULT_LEVERS_LISTEN, LeverServiceError, startLeverService } from '../levers/lever-service.js';
import type { LeverDeclaration } from '../levers/lever.js';
import { ExitCode, collectHosts, type CommandRegistration } from './command.js';

// `gameday serve`: the long-running services of GameDay. For now the lever service; the dashboard and
// the status page join it here.

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
    .option('--store <file>', 'the SQLite store (default: $GAMEDAY_HOME/gameday.db)')
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
      try {
        service = await startLeverService({ listen: options.listen, token: options.token ?? process.env.GAMEDAY_LEVERS_TOKEN, storePath: options.store, levers, allowedHosts: options.allowHost });
      } catch (error) {
        if (!(error instanceof LeverServiceError)) throw error;
        process.stderr.write(`gameday serve: ${error.message}\n`);
        process.exitCode = ExitCode.invalid;
        return;
      }
      const count = service.board.list().length;
      process.stderr.write(
        `gameday serve: lever service on ${service.url} — ${count} lever${count === 1 ? '' : 's'}${file ? ` (declared in ${file})` : ''}; Ctrl-C to stop\n`,
      );
      const started = Date.now();
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      const before = service.board.leases.list().length;
      // Leased changes are undone by close(); what a human pulled by hand stays pulled across restarts.
      const pulled = service.board.list().filter((lever) => lever.state === 'pulled' && !lever.lease).map((lever) => lever.name);
      await service.close();
      process.stderr.write(
        `gameday serve: stopped after ${Math.round((Date.now() - started) / 1000)}s; ${before} lease${before === 1 ? '' : 's'} released; ` +
          `${pulled.length > 0 ? `still pulled: ${pulled.join(', ')}` : 'no lever pulled'}\n`,
      );
    });
};
