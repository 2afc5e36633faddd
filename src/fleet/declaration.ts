import { z } from 'zod';

// A fleet declaration: which services run, as which command, how many instances in which region, how
// their health is checked and how they are restarted. Validated once with zod so a bad declaration is
// refused with the field path before any process is started.

const name = z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/i, 'letters, digits, ".", "_" or "-" (no "/")');

export const ServiceDeclarationSchema = z.object({
  name,
  /** argv, spawned without a shell; the instance gets PORT, GAMEDAY_SERVICE, GAMEDAY_REGION, GAMEDAY_INSTANCE. */
  command: z.array(z.string().min(1)).min(1),
  env: z.record(z.string(), z.string()).default({}),
  cwd: z.string().optional(),
  /** Instances per region, e.g. { "us-east": 2, "us-west": 2 }. */
  regions: z.record(name, z.number().int().min(0).max(64)).refine((r) => Object.keys(r).length > 0, 'declare at least one region'),
  health: z
    .object({
      path: z.string().startsWith('/').default('/healthz'),
      intervalMs: z.number().int().min(50).default(500),
      timeoutMs: z.number().int().min(50).default(1000),
      /** Consecutive failed checks before a healthy instance is reported unhealthy. */
      unhealthyThreshold: z.number().int().min(1).default(2),
    })
    .prefault({}),
  /** How long an instance may take to become healthy before the start is declared failed. */
  startTimeoutMs: z.number().int().min(100).default(15_000),
  restart: z.enum(['always', 'on-failure', 'never']).default('on-failure'),
  restartDelayMs: z.number().int().min(0).default(200),
  /** After a drain: time for SIGTERM to finish in-flight requests before SIGKILL. */
  stopGraceMs: z.number().int().min(0).default(10_000),
});

export const FleetDeclarationSchema = z
  .object({ services: z.array(ServiceDeclarationSchema).min(1) })
  .refine((d) => new Set(d.services.map((s) => s.name)).size === d.services.length, 'service names must be unique');

export type FleetDeclaration = z.input<typeof FleetDeclarationSchema>;
export type ServiceDeclaration = z.output<typeof ServiceDeclarationSchema>;

export type InstanceState = 'starting' | 'healthy' | 'unhealthy' | 'draining' | 'stopped';

/** An instance as the fleet reports it (GET /instances). */
export interface InstanceView {
  /** `service/region/index`, stable across restarts, e.g. `pricing/us-east/0`. */
  id: string;
  service: string;
  region: string;
  index: number;
  pid: number | null;
  port: number;
  url: string;
  state: InstanceState;
  restarts: number;
  /** Why the last process ended, e.g. "SIGKILL" or "exit 1"; null while the first process runs. */
  lastExit: string | null;
}

/** FIS-style selection: exactly one of `count` or `percent`, optionally within one region. */
export const SelectionSchema = z
  .object({
    count: z.number().int().min(1).optional(),
    /** 0 < percent ≤ 100; rounded up to at least one instance, as FIS does. */
    percent: z.number().gt(0).max(100).optional(),
    region: z.string().optional(),
    /** The blast radius the caller declared; the fleet refuses a selection larger than this. */
    maxInstances: z.number().int().min(0).optional(),
  })
  .refine((s) => (s.count === undefined) !== (s.percent === undefined), 'give exactly one of "count" or "percent"');

export type Selection = z.infer<typeof SelectionSchema>;

export function formatIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
}
