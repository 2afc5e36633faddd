import type { z } from 'zod';
import type { FaultFactType, JournalEventData } from '../journal/events.js';
import type { Logger } from '../observe/log.js';

// STYLE §1: one kind of trouble = one small file behind this interface, listed in ./registry.ts.
// The engine, the CLI, the JSON Schema and the docs all read the registry; none switches over kinds.

/** Undoes one injected fault. Must be safe to call twice (a guardrail and a rollback may race). */
export type Revert = () => Promise<void>;

/** A declared target, resolved to the component that will hold the fault. */
export interface ResolvedTarget {
  /** The name the experiment gave it. */
  name: string;
  /** 'proxy' | 'fleet' | 'gateway' | 'levers' … — open to extension. */
  kind: string;
  /** Base URL of the holding component's control API (it speaks the lease protocol, docs/leases.md). */
  controlUrl: string;
  token?: string;
  /** What inside the component: a proxy name, a service, a region, a lever. */
  selector: string;
  /** The most this target may touch (e.g. instances), from the experiment's declared blast radius. */
  blastRadius?: { maxInstances?: number };
}

export interface FaultContext {
  runId: string;
  /** The lease id the run holds on `target.controlUrl` (send it as the X-GameDay-Lease header). */
  leaseFor(target: ResolvedTarget): Promise<string>;
  signal: AbortSignal;
  log: Logger;
  /** Adds a fact about what the fault did to the run's journal: one of the types docs/journal.md lists for faults. */
  note<T extends FaultFactType>(type: T, message: string, data: JournalEventData<T>): void;
}

export interface PreflightResult {
  /** How many instances one injection would touch. */
  instances?: number;
}

export interface FaultDefinition<Params = unknown> {
  kind: string;
  /** One line for `gameday faults`, the docs and the JSON Schema description. */
  summary: string;
  /** Which target kind this fault acts on. */
  targetKind: string;
  /**
   * The step's parameters, written flat beside `kind`, `target` and `duration`: any zod shape whose input is an
   * object or a union of objects (discriminated or not), every parameter with a `description` (the meaning in
   * the docs table). A kind that breaks this is refused when the registry is read (./fault-params.ts).
   */
  params: z.ZodType<Params>;
  /**
   * The kind may also be written as a step of its own, `<key>: { …params, target?, duration? }` (the lever's
   * `lever: { pull: name }`), whose target defaults to the only declared target of `targetKind`.
   */
  step?: { key: string; description: string };
  /** The step's name in the progress line and the journal, e.g. "pull lever x" (default: "<kind> on <target>"). */
  title?(params: Params): string;
  /** Exactly what would be touched, for --dry-run and the blast radius, e.g. "SIGKILL 1 of 3 instances of pricing in us-east". */
  describe(target: ResolvedTarget, params: Params): string;
  /**
   * Refuses (throws) before anything is touched when the fault would exceed the blast radius or is impossible.
   * A fault that touches instances says how many, so the engine can sum them per target over the whole method.
   */
  preflight?(target: ResolvedTarget, params: Params, ctx: FaultContext): Promise<void | PreflightResult>;
  inject(target: ResolvedTarget, params: Params, ctx: FaultContext): Promise<Revert>;
}
