import { z } from 'zod';
import { QueuedStage, type StageOptions, type ToxicKind } from './toxic.js';

const attributes = z.strictObject({
  // KB/s with KB = 1000 bytes, as in Toxiproxy; 0 stops the flow.
  rate: z.number().int().min(0).default(0),
});
type Attributes = z.infer<typeof attributes>;

// Sends at most 100 ms worth of bytes at a time, each slice when the line would have finished carrying
// it (as Toxiproxy does), so the long-run rate is `rate` and 480 KB at 1000 KB/s take 480 ms.
class BandwidthStage extends QueuedStage {
  private nextFree = 0;

  constructor(private readonly options: StageOptions<Attributes>) {
    super();
  }

  override push(chunk: Buffer): void {
    if (this.passing) return this.next.push(chunk);
    const bytesPerMs = this.options.attributes.rate; // rate KB/s == rate bytes/ms
    if (bytesPerMs === 0) {
      // Rate 0 holds everything until the toxic is removed (drain flushes the queue).
      this.queue.at(Number.POSITIVE_INFINITY, () => this.next.push(chunk));
      return;
    }
    const slice = Math.max(1, bytesPerMs * 100);
    for (let offset = 0; offset < chunk.length; offset += slice) {
      const piece = chunk.subarray(offset, offset + slice);
      this.nextFree = Math.max(performance.now(), this.nextFree) + piece.length / bytesPerMs;
      this.queue.at(this.nextFree, () => this.next.push(piece));
    }
  }
}

export const bandwidth: ToxicKind<Attributes> = {
  type: 'bandwidth',
  summary: 'limits the stream to rate KB/s',
  scope: 'stream',
  attributes,
  stage: (options) => new BandwidthStage(options),
};
