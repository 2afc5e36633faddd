import type { Command } from 'commander';
import { collectList, type CommandRegistration } from './command.js';
import type { FleetCommandOptions } from './fleet-action.js';

// `gameday fleet <fleet.yaml>`: runs the declared services as real processes with the fleet's control
// API, and optionally a region gateway in front of one service, until SIGINT/SIGTERM stops everything.
export const registerFleetCommand: CommandRegistration = (program: Command) => {
  program
    .command('fleet')
    .description('Run services declared in a file (command, instances per region, health, restart) with the fleet control API and an optional region gateway')
    .argument('<file>', 'fleet declaration (YAML or JSON), see docs/fleet.md')
    .option('--control <host:port>', 'fleet control API address', '127.0.0.1:8476')
    .option('--gateway <host:port>', 'also run a region gateway on this loopback address in front of one service')
    .option('--gateway-control <host:port>', 'gateway control API address', '127.0.0.1:8477')
    .option('--service <name>', 'the service behind the gateway (default: the only one declared)')
    .option('--token <token>', 'access token for the control APIs; required beyond loopback (or GAMEDAY_FLEET_TOKEN)')
    .option('--allow-host <name>', 'another name the control APIs are reached by (beyond loopback and their addresses); repeatable', collectList)
    .action(async (file: string, options: FleetCommandOptions) => (await import('./fleet-action.js')).runFleet(file, options));
};
