import { DEFAULT_CONTROL_ROOM_LISTEN } from '../control-room/listen.js';
import { collectList, type CommandRegistration } from './command.js';
import { STORE_FLAG, STORE_HELP } from './shared-options.js';
import type { ServeOptions } from './serve-action.js';

// `gameday serve`: the control room — one process where levers, live runs, the status page, incidents and
// COEs meet (DESIGN.md), each a module of src/control-room. Several may serve one PostgreSQL store
// (docs/store.md). This verb reads the files it is given, lists the modules, and prints what it serves.
export const registerServeCommand: CommandRegistration = (program) => {
  program
    .command('serve')
    .description('Run the control room (the web dashboard; levers with their API, push channel and metrics; incidents; COE pages; the status page) until interrupted')
    .option('--listen <host:port>', 'where the control room listens', DEFAULT_CONTROL_ROOM_LISTEN)
    .option('--token <token>', 'access token; required to listen beyond 127.0.0.1 (default: GAMEDAY_LEVERS_TOKEN)')
    .option('--levers <file>', 'lever declarations (YAML or JSON; default: ./levers.yaml if present)')
    .option('--status <file>', 'the status page: components, monitors, thresholds (YAML or JSON; default: ./status.yaml if present), see docs/status.md')
    .option('--status-dir <dir>', 'keep a static copy of the status page (HTML, JSON, feeds) in this folder, rewritten every second')
    .option('--on-call <name>', 'who commands the incidents machines declare (an alert, a component reaching its level) until a person takes over', 'on-call')
    .option('--alert-severity <SEVn>', "the severity of an alert whose labels name none", 'SEV3')
    .option(STORE_FLAG, STORE_HELP)
    .option('--allow-host <name>', 'another name the control room is reached by (beyond loopback and --listen); repeatable', collectList)
    .action(async (options: ServeOptions) => (await import('./serve-action.js')).runServe(options));
};
