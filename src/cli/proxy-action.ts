import { createLogger } from '../observe/log.js';
import { loadProxyConfig, ProxyConfigError } from '../proxy/config.js';
import { ProxyServer } from '../proxy/server.js';
import { ProxyApiError } from '../proxy/types.js';
import { ExitCode } from './command.js';

export interface ProxyFlags {
  listen: string;
  config?: string;
  token?: string;
  allowHost?: string[];
  backlog?: string;
}

/** `gameday proxy`: starts the proxy and keeps it until SIGINT/SIGTERM (the verb is defined in proxy-command.ts). */
export async function runProxy(options: ProxyFlags): Promise<void> {
  const token = options.token ?? process.env.GAMEDAY_PROXY_TOKEN;
  if (options.backlog !== undefined && !/^[1-9]\d*$/.test(options.backlog)) {
    console.error(`gameday proxy: --backlog must be a positive whole number, got ${JSON.stringify(options.backlog)}`);
    process.exit(ExitCode.invalid);
  }
  const backlog = options.backlog === undefined ? undefined : Number(options.backlog);
  let server: ProxyServer;
  try {
    const config = options.config ? loadProxyConfig(options.config) : undefined;
    server = await ProxyServer.start({ listen: options.listen, token, config, allowedHosts: options.allowHost, backlog, logger: createLogger('proxy') });
  } catch (error) {
    if (error instanceof ProxyConfigError || error instanceof ProxyApiError) {
      const where = options.config && error instanceof ProxyApiError ? ` (while creating the proxies of ${options.config})` : '';
      console.error(`gameday proxy: ${error.message}${where}`);
      process.exit(ExitCode.invalid);
    }
    throw error;
  }
  const stop = async (signal: string) => {
    // Reverting must not hang the exit: a wedged close still ends the process (leases die with it).
    setTimeout(() => process.exit(ExitCode.internal), 10_000).unref();
    const leases = (await server.listLeases()).length;
    const toxics = Object.values(await server.listProxies()).reduce((sum, proxy) => sum + proxy.toxics.length, 0);
    await server.close();
    console.log(`gameday proxy: ${signal}: reverted ${toxics} toxic(s) and ${leases} lease(s), closed every proxy; bye`);
    process.exit(0);
  };
  // Before the address is printed: whoever starts the proxy may stop it as soon as it reads the line.
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  const proxies = Object.values(await server.listProxies());
  console.log(`gameday proxy: control API on ${server.controlUrl} (Toxiproxy-compatible; leases; /metrics)`);
  for (const proxy of proxies) console.log(`  ${proxy.name}: ${proxy.listen} -> ${proxy.upstream} (${proxy.protocol})`);
}
