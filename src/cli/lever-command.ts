import type { Command } from 'commander';
import type { LeversClient } from '../levers/client.js';
import type { AuditEntry, Lever } from '../levers/lever.js';
import { ExitCode, type CommandRegistration } from './command.js';

// `gameday lever list|pull|reset|audit|declare`: a thin face on the lever service's HTTP API.

interface Connection {
  url?: string;
  token?: string;
  json?: boolean;
}

export const registerLeverCommand: CommandRegistration = (program) => {
  const lever = program
    .command('lever')
    .description('Pull, reset and list emergency levers on a running lever service (`gameday serve`)');
  const connection = (command: Command) =>
    command
      .option('--url <url>', 'the lever service (default: GAMEDAY_LEVERS_URL or http://127.0.0.1:8475)')
      .option('--token <token>', 'access token of a service bound beyond loopback (default: GAMEDAY_LEVERS_TOKEN)')
      .option('--json', 'print JSON instead of text');
  const change = (command: Command) =>
    connection(command)
      .requiredOption('--reason <text>', 'why; the audit trail is read in the review')
      .option('--by <who>', 'who or what changes the lever (default: $USER@hostname)');

  connection(lever.command('list').description('List levers and their state')).action((options: Connection) =>
    run('list', options, async (client) => {
      const levers = await client.list();
      if (options.json) return print(levers);
      if (levers.length === 0) return print(`no levers declared on ${client.url} (declare them in levers.yaml or with \`gameday lever declare\`)`);
      for (const item of levers) print(describe(item));
    }),
  );

  for (const action of ['pull', 'reset'] as const) {
    change(lever.command(`${action} <name>`).description(action === 'pull' ? 'Pull a lever (shed the work it names)' : 'Reset a lever (resume the work)')).action(
      (name: string, options: Connection & { reason: string; by?: string }) =>
        run(action, options, async (client) => {
          const by = options.by ?? (await import('../levers/lever.js')).defaultActor();
          const result = await client[action](name, { by, reason: options.reason });
          if (options.json) return print(result);
          const item = result.lever;
          print(
            result.changed
              ? `${action === 'pull' ? 'pulled' : 'reset'} ${item.name} (by ${item.changed_by}: ${item.reason})`
              : `${item.name} was already ${item.state} (by ${item.changed_by ?? 'nobody'}${item.changed_at ? ` at ${item.changed_at}` : ''}); your ${action} is recorded in the audit trail`,
          );
        }),
    );
  }

  connection(lever.command('audit [name]').description('Show who pulled and reset levers, when and why (newest first)'))
    .option('--limit <n>', 'how many entries', '50')
    .action((name: string | undefined, options: Connection & { limit: string }) =>
      run('audit', options, async (client) => {
        const entries = await client.audit(name, { limit: Number(options.limit) || 50 });
        if (options.json) return print(entries);
        if (entries.length === 0) return print('the audit trail is empty');
        for (const entry of entries) print(auditLine(entry));
      }),
    );

  connection(lever.command('declare <name>').description('Declare a lever (or update its description)'))
    .requiredOption('--description <text>', 'what pulling the lever sheds')
    .option('--critical-path <text>', 'what the lever protects and who owns it')
    .action((name: string, options: Connection & { description: string; criticalPath?: string }) =>
      run('declare', options, async (client) => {
        const item = await client.declare(name, { description: options.description, ...(options.criticalPath ? { critical_path: options.criticalPath } : {}) });
        print(options.json ? item : `declared ${describe(item)}`);
      }),
    );
};

async function run(verb: string, options: Connection, body: (client: LeversClient) => Promise<void>): Promise<void> {
  // The client is loaded when a lever verb runs, not whenever gameday starts.
  const [{ connectLevers, leversUrl }, { ControlPlaneError }] = await Promise.all([import('../levers/client.js'), import('../control-plane/client.js')]);
  const client = connectLevers(leversUrl(options.url), { token: options.token ?? process.env.GAMEDAY_LEVERS_TOKEN });
  try {
    await body(client);
  } catch (error) {
    process.stderr.write(`gameday lever ${verb}: ${(error as Error).message}\n`);
    // Invalid input and an unreachable service are the caller's to fix (3); a server fault is ours (4).
    process.exitCode = error instanceof ControlPlaneError && (error.status === 0 || error.status < 500) ? ExitCode.invalid : ExitCode.internal;
  }
}

function print(value: unknown): void {
  process.stdout.write(typeof value === 'string' ? `${value}\n` : `${JSON.stringify(value, null, 2)}\n`);
}

function describe(item: Lever): string {
  const state = item.state === 'pulled' ? 'PULLED' : 'reset ';
  const who = item.changed_by ? ` — ${item.changed_by} at ${item.changed_at}: ${item.reason}` : '';
  const lease = item.lease ? ` [held by lease of "${item.lease.owner}"]` : '';
  return `${state}  ${item.name}  ${item.description}${item.critical_path ? ` (protects: ${item.critical_path})` : ''}${who}${lease}`;
}

function auditLine(entry: AuditEntry): string {
  const noop = entry.changed || entry.action === 'declare' ? '' : ' (already so)';
  return `${entry.at}  ${entry.action.padEnd(7)} ${entry.lever}  by ${entry.by}${entry.from ? ` from ${entry.from}` : ''}: ${entry.reason}${noop}${entry.lease ? ` [lease ${entry.lease}]` : ''}`;
}
