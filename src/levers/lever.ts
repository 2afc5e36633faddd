import { hostname, userInfo } from 'node:os';
import { z } from 'zod';

// The words of a lever, shared by the service, the client, the OpenFeature provider and the CLI.
// JSON on the wire is snake_case, like the lease protocol (docs/leases.md).

/** kebab-case, because a lever name is also an OpenFeature flag key and a URL path segment. */
export const leverName = z
  .string({ error: 'a lever needs a name (kebab-case, e.g. "disable-recommendations")' })
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'a lever name is kebab-case: lowercase letters, digits and single dashes, e.g. "disable-recommendations"')
  .max(100, 'a lever name has at most 100 characters');

export const leverDeclaration = z.strictObject({
  name: leverName,
  description: z.string({ error: 'a lever needs a description: what pulling it sheds' }).trim().min(1, 'say what pulling the lever sheds, e.g. "hide recommendations on the product page"'),
  /** Who owns the critical path this lever protects, or a note on what it keeps alive ("checkout"). */
  critical_path: z.string().trim().min(1).optional(),
});
export type LeverDeclaration = z.infer<typeof leverDeclaration>;

/** The body of PUT /levers/{name}: the name comes from the path. */
export const leverDeclarationBody = leverDeclaration.omit({ name: true });

export const leverChangeBody = z.strictObject({
  by: z.string().trim().min(1, 'say who or what changes the lever ("alice@laptop", "run 42")'),
  reason: z.string().trim().min(1, 'say why the lever changes; the audit trail is read during the review'),
});
export type LeverChange = z.infer<typeof leverChangeBody>;

export type LeverState = 'pulled' | 'reset';
export type LeverAction = 'declare' | 'pull' | 'reset';

export interface Lever {
  name: string;
  description: string;
  critical_path?: string;
  state: LeverState;
  /** Who or what changed the state last, and why; null until the first pull. */
  changed_by: string | null;
  reason: string | null;
  changed_at: string | null;
  /** Present while the current state is held under a lease: it is undone when the lease ends. */
  lease: { id: string; owner: string } | null;
}

export interface AuditEntry {
  seq: number;
  lever: string;
  action: LeverAction;
  by: string;
  reason: string;
  /** False when the action found the lever already in that state (it is still recorded: someone tried). */
  changed: boolean;
  lease: string | null;
  at: string;
  /** Where the change came from: the requester's address and user agent (null for the service's own changes). */
  from: string | null;
}

/** What a pull or reset answers: the lever after the change, and whether the state actually moved. */
export interface LeverChangeResult {
  lever: Lever;
  changed: boolean;
}

/** One push on GET /events. `snapshot` comes first on every connection, then one `change` per change. */
export type LeverEvent =
  | { type: 'snapshot'; seq: number; levers: Lever[] }
  | { type: 'change'; seq: number; action: LeverAction; changed: boolean; lever: Lever };

export class UnknownLeverError extends Error {
  constructor(readonly lever: string, readonly known: string[]) {
    super(
      `no lever named "${lever}"; known levers: ${known.length > 0 ? known.join(', ') : '(none declared yet: PUT /levers/{name} or a levers.yaml)'}`,
    );
  }
}

/** `$USER@hostname`: who a human at a terminal is, for the audit trail. */
export function defaultActor(user = process.env.USER ?? process.env.USERNAME ?? userInfo().username, host = hostname()): string {
  return `${user}@${host}`;
}
