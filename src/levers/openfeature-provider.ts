import {
  ErrorCode,
  OpenFeatureEventEmitter,
  ProviderEvents,
  StandardResolutionReasons,
  type JsonValue,
  type Provider,
  type ResolutionDetails,
} from '@openfeature/server-sdk';
import { LeverFeed } from './lever-feed.js';
import type { Lever, LeverEvent } from './lever.js';

// Application code reads a lever as a boolean flag through the OpenFeature standard API:
//   await OpenFeature.setProviderAndWait(new LeverProvider({ url }));
//   if (await OpenFeature.getClient().getBooleanValue('disable-recommendations', false)) { … }
// Evaluations never touch the network: they read a local cache that the push channel (GET /events)
// keeps current, so a flag check costs microseconds and a pull arrives as one pushed event.

export interface LeverProviderOptions {
  url: string;
  token?: string;
  /** How long initialize() waits for the first snapshot before reporting the service unreachable. */
  initTimeoutMs?: number;
  /**
   * After the stream breaks, the last known states are still served (reason STALE) for this long, so a
   * restart of the lever service does not flip every pulled lever back; after it, callers get their
   * own default (reason ERROR), which is the safe value they chose.
   */
  staleGraceMs?: number;
  maxBackoffMs?: number;
  /** The clock the grace period is measured on (Date.now); tests substitute one they move by hand. */
  now?: () => number;
}

export class LeverProvider implements Provider {
  readonly metadata = { name: 'gameday-levers' } as const;
  readonly runsOn = 'server' as const;
  readonly events = new OpenFeatureEventEmitter();

  private readonly levers = new Map<string, Lever>();
  private readonly feed: LeverFeed;
  private connected = false;
  /** When the stream last broke; undefined while connected or before the first connection. */
  private downSince: number | undefined;
  private lastError: Error | undefined;
  private everConnected = false;
  /** initialize() gave up; the first snapshot that still arrives must tell the SDK we are ready after all. */
  private initFailed = false;
  private firstSnapshot: { resolve: () => void; reject: (error: Error) => void } | undefined;

  private readonly now: () => number;

  constructor(private readonly options: LeverProviderOptions) {
    this.now = options.now ?? Date.now;
    this.feed = new LeverFeed(
      { url: options.url, token: options.token, maxBackoffMs: options.maxBackoffMs },
      { onEvent: (event) => this.apply(event), onDown: (error) => this.down(error) },
    );
  }

  /** Called by the SDK; resolves on the first snapshot, rejects (the SDK then reports ERROR) if none comes in time. */
  async initialize(): Promise<void> {
    const ready = new Promise<void>((resolve, reject) => (this.firstSnapshot = { resolve, reject }));
    this.feed.start();
    const timeoutMs = this.options.initTimeoutMs ?? 3000;
    const timer = setTimeout(
      () => this.firstSnapshot?.reject(new Error(`the lever service at ${this.options.url} did not answer within ${timeoutMs} ms (${this.lastError?.message ?? 'no response'}); flags return their defaults until it does`)),
      timeoutMs,
    );
    try {
      await ready;
    } catch (error) {
      this.initFailed = true;
      throw error;
    } finally {
      clearTimeout(timer);
      this.firstSnapshot = undefined;
    }
  }

  async onClose(): Promise<void> {
    this.feed.stop();
    this.connected = false;
  }

  async resolveBooleanEvaluation(flagKey: string, defaultValue: boolean): Promise<ResolutionDetails<boolean>> {
    if (!this.connected) {
      const graceMs = this.options.staleGraceMs ?? 5000;
      const lever = this.levers.get(flagKey);
      if (lever && this.downSince !== undefined && this.now() - this.downSince < graceMs) {
        return { value: lever.state === 'pulled', variant: lever.state, reason: StandardResolutionReasons.STALE, flagMetadata: metadataOf(lever) };
      }
      return {
        value: defaultValue,
        reason: StandardResolutionReasons.ERROR,
        errorCode: this.everConnected ? ErrorCode.GENERAL : ErrorCode.PROVIDER_NOT_READY,
        errorMessage: `lever service at ${this.options.url} unreachable${this.lastError ? ` (${this.lastError.message})` : ''}; using the default`,
      };
    }
    const lever = this.levers.get(flagKey);
    if (!lever) {
      return {
        value: defaultValue,
        reason: StandardResolutionReasons.ERROR,
        errorCode: ErrorCode.FLAG_NOT_FOUND,
        errorMessage: `no lever named "${flagKey}"; known levers: ${[...this.levers.keys()].sort().join(', ') || '(none)'}`,
      };
    }
    return { value: lever.state === 'pulled', variant: lever.state, reason: StandardResolutionReasons.STATIC, flagMetadata: metadataOf(lever) };
  }

  // A lever is a boolean; asking for another type is the caller's mistake, said plainly.
  async resolveStringEvaluation(flagKey: string, defaultValue: string): Promise<ResolutionDetails<string>> {
    return typeMismatch(flagKey, defaultValue);
  }

  async resolveNumberEvaluation(flagKey: string, defaultValue: number): Promise<ResolutionDetails<number>> {
    return typeMismatch(flagKey, defaultValue);
  }

  async resolveObjectEvaluation<T extends JsonValue>(flagKey: string, defaultValue: T): Promise<ResolutionDetails<T>> {
    return typeMismatch(flagKey, defaultValue);
  }

  private apply(event: LeverEvent): void {
    if (event.type === 'snapshot') {
      const changed = new Set<string>();
      const next = new Map(event.levers.map((lever) => [lever.name, lever]));
      for (const [name, lever] of next) if (this.levers.get(name)?.state !== lever.state) changed.add(name);
      for (const name of this.levers.keys()) if (!next.has(name)) changed.add(name);
      this.levers.clear();
      for (const [name, lever] of next) this.levers.set(name, lever);
      const recovering = !this.connected && (this.everConnected || this.initFailed);
      this.connected = true;
      this.everConnected = true;
      this.downSince = undefined;
      this.lastError = undefined;
      if (this.firstSnapshot) this.firstSnapshot.resolve();
      // The SDK sets READY on this event; it follows a STALE or ERROR we reported while disconnected.
      else if (recovering) this.events.emit(ProviderEvents.Ready, { message: 'reconnected to the lever service' });
      if (changed.size > 0 && !this.firstSnapshot) this.events.emit(ProviderEvents.ConfigurationChanged, { flagsChanged: [...changed] });
      return;
    }
    const previous = this.levers.get(event.lever.name);
    this.levers.set(event.lever.name, event.lever);
    if (previous?.state !== event.lever.state) {
      this.events.emit(ProviderEvents.ConfigurationChanged, { flagsChanged: [event.lever.name], metadata: { action: event.action, by: event.lever.changed_by ?? '' } });
    }
  }

  private down(error: Error): void {
    this.lastError = error;
    if (!this.connected) return;
    this.connected = false;
    this.downSince = this.now();
    this.events.emit(ProviderEvents.Stale, { message: `lost the lever service: ${error.message}; serving last known states for ${this.options.staleGraceMs ?? 5000} ms` });
  }
}

function metadataOf(lever: Lever): Record<string, string> {
  return {
    description: lever.description,
    ...(lever.changed_by ? { changed_by: lever.changed_by } : {}),
    ...(lever.reason ? { reason: lever.reason } : {}),
  };
}

function typeMismatch<T>(flagKey: string, defaultValue: T): ResolutionDetails<T> {
  return {
    value: defaultValue,
    reason: StandardResolutionReasons.ERROR,
    errorCode: ErrorCode.TYPE_MISMATCH,
    errorMessage: `"${flagKey}" is a lever: read it with getBooleanValue (true = pulled)`,
  };
}
