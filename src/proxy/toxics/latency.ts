import { z } from 'zod';
import { QueuedStage, type StageOptions, type ToxicKind } from './toxic.js';

const attributes = z.strictObject({
  latency: z.number().int().min(0).default(0),
  jitter: z.number().int().min(0).default(0),
});
type Attributes = z.infer<typeof attributes>;

// Each chunk is held for latency ± jitter from the moment it arrived; the queue keeps chunks in order,
// so a chunk that drew a shorter jitter waits for the one before it (Toxiproxy does the same).
//
// Latency must not cap throughput: a sender that keeps the line full has a whole latency period of data in
// flight, so the stage may hold up to 32 MiB (Toxiproxy buffers 1024 chunks of up to 32 KiB) before the
// sender is slowed down — 320 MiB/s at 100 ms.
class LatencyStage extends QueuedStage {
  readonly holdLimit = 32 << 20;

  constructor(private readonly options: StageOptions<Attributes>) {
    super();
  }

  override push(chunk: Buffer): void {
    if (this.passing) return this.next.push(chunk);
    const { latency, jitter } = this.options.attributes;
    const delay = latency + (jitter > 0 ? (Math.random() * 2 - 1) * jitter : 0);
    this.queue.at(performance.now() + Math.max(0, delay), () => this.next.push(chunk));
  }
}

export const latency: ToxicKind<Attributes> = {
  type: 'latency',
  summary: 'adds latency (ms) ± jitter (ms) to every chunk of data',
  scope: 'stream',
  attributes,
  stage: (options) => new LatencyStage(options),
};
