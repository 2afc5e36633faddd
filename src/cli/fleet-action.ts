import { startFleetControl, type ControlServer } from '../fleet/control-api.js';
import { loadFleetFile } from '../fleet/declaration-file.js';
import type { InstanceView } from '../fleet/declaration.js';
import { Fleet } from '../fleet/fleet.js';
import { startGatewayControl } from '../gateway/control-api.js';
import { Gateway } from '../gateway/gateway.js';
import { createLogger } from '../observe/log.js';
import { parseAddress } from '../proxy/live-proxy.js';
import { ExitCode } from './command.js';

export interface FleetCommandOptions {
  control: string;
  gateway?: string;
  gatewayControl: string;
  service?: string;
  token?: string;
  allowHost?: string[];
}

/** The action of `gameday fleet`, loaded when it runs (the verb's definition is in fleet-command.ts). */
export async function runFleet(file: string, options: FleetCommandOptions): Promise<void> {
  const token = options.token ?? process.env.GAMEDAY_FLEET_TOKEN;
  const log = createLogger('fleet');
  let declaration;
  let addresses;
  try {
    declaration = loadFleetFile(file);
    addresses = {
      control: parseAddress(options.control, '--control'),
      gateway: options.gateway ? parseAddress(options.gateway, '--gateway') : undefined,
      gatewayControl: parseAddress(options.gatewayControl, '--gateway-control'),
    };
  } catch (error) {
    console.error(`gameday fleet: ${(error as Error).message}`);
    process.exit(ExitCode.invalid);
  }
  const names = declaration.services.map((s) => s.name);
  const service = options.service ?? (names.length === 1 ? names[0] : undefined);
  if (addresses.gateway && (!service || !names.includes(service))) {
    console.error(`gameday fleet: --gateway needs --service <name>, one of: ${names.join(', ')}${options.service ? ` (got "${options.service}")` : ''}`);
    process.exit(ExitCode.invalid);
  }

  console.error(`gameday fleet: starting ${names.join(', ')} from ${file} …`);
  const stops: Array<() => Promise<unknown>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((error: unknown) => console.error(`gameday fleet: ${(error as Error).message}`));
  };
  let fleetControl: ControlServer;
  let urls: string[];
  try {
    const fleet = await Fleet.start(declaration, { log });
    stops.push(() => fleet.stop());
    fleetControl = await startFleetControl(fleet, { host: addresses.control.host, port: addresses.control.port, token, allowedHosts: options.allowHost, log });
    stops.push(() => fleetControl.close());
    urls = [`fleet control API: ${fleetControl.url}`];
    if (addresses.gateway) {
      const gateway = await Gateway.start({ fleet: { fleet, service: service! }, host: addresses.gateway.host, port: addresses.gateway.port, log });
      stops.push(() => gateway.close());
      const gatewayControl = await startGatewayControl(gateway, { host: addresses.gatewayControl.host, port: addresses.gatewayControl.port, token, allowedHosts: options.allowHost, log });
      stops.push(() => gatewayControl.close());
      urls.push(`gateway (${service}): ${gateway.url}`, `gateway control API: ${gatewayControl.url}`);
    }
    console.log(instanceTable(fleet.instances()));
    for (const url of urls) console.log(url);
    fleet.on('change', (view: InstanceView) => console.error(`${new Date().toISOString()} ${view.id} ${view.state}${view.pid ? ` (pid ${view.pid})` : ''}${view.lastExit ? `, last exit ${view.lastExit}` : ''}`));
  } catch (error) {
    await stopAll();
    console.error(`gameday fleet: ${(error as Error).message}`);
    process.exit(1);
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    // Stopping must not hang the exit; the instances die with this process anyway (pdeathsig).
    setTimeout(() => process.exit(ExitCode.internal), 15_000).unref();
    const faults = fleetControl.ledger.list().length;
    await stopAll();
    console.error(`gameday fleet: ${signal}: reverted ${faults} fault(s), stopped every instance; bye`);
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

function instanceTable(instances: InstanceView[]): string {
  const rows = [['INSTANCE', 'STATE', 'PID', 'URL'], ...instances.map((i) => [i.id, i.state, String(i.pid ?? '-'), i.url])];
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd()).join('\n');
}
