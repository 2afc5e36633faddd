import { z } from 'zod';
import { QueuedStage, type StageOptions, type ToxicKind } from './toxic.js';

const attributes = z.object({
  average_size: z.number().int().min(1).default(1),
  size_variation: z.number().int().min(0).default(0),
  // Microseconds between slices, as in Toxiproxy.
  delay: z.number().int().min(0).default(0),
});
type Attributes = z.infer<typeof attributes>;

// Cuts each chunk into slices of average_size ± size_variation bytes, delay µs apart, in order.
class SlicerStage extends QueuedStage {
  private nextSlot = 0;

  constructor(private readonly options: StageOptions<Attributes>) {
    super();
  }

  override push(chunk: Buffer): void {
    if (this.passing) return this.next.push(chunk);
    const { average_size, size_variation, delay } = this.options.attributes;
    const variation = Math.min(size_variation, average_size - 1);
    let offset = 0;
    while (offset < chunk.length) {
      const size = average_size + Math.round((Math.random() * 2 - 1) * variation);
      const piece = chunk.subarray(offset, offset + Math.max(1, size));
      offset += piece.length;
      this.nextSlot = Math.max(performance.now(), this.nextSlot) + delay / 1000;
      this.queue.at(this.nextSlot, () => this.next.push(piece));
    }
  }
}

export const slicer: ToxicKind<Attributes> = {
  type: 'slicer',
  summary: 'slices data into average_size ± size_variation byte pieces, delay (µs) apart',
  scope: 'stream',
  attributes,
  stage: (options) => new SlicerStage(options),
};
