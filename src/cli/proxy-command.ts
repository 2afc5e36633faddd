import type { Command } from 'commander';
import { collectList, type CommandRegistration } from './command.js';
import type { ProxyFlags } from './proxy-action.js';

// `gameday proxy`: the fault proxy as its own process (like a sidecar), until SIGINT/SIGTERM.
export const registerProxyCommand: CommandRegistration = (program: Command) => {
  program
    .command('proxy')
    .description('Run the fault proxy: a Toxiproxy-compatible control API with leases, HTTP faults and /metrics')
    .option('--listen <host:port>', 'control API address', '127.0.0.1:8474')
    .option('--config <file>', 'proxies to create at start (Toxiproxy populate JSON array)')
    .option('--token <token>', 'access token; required when --listen is not loopback (or GAMEDAY_PROXY_TOKEN)')
    .option('--allow-host <name>', 'another name the control API is reached by (beyond loopback and --listen); repeatable', collectList)
    .option('--backlog <n>', "accept queue length of every proxy's listener (default: the system's most, net.core.somaxconn)")
    .action(async (options: ProxyFlags) => (await import('./proxy-action.js')).runProxy(options));
};
