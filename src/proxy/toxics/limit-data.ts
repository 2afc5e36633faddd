import { z } from 'zod';
import { PassStage, type StageOptions, type ToxicKind } from './toxic.js';

const attributes = z.strictObject({
  bytes: z.number().int().min(0).default(0),
});
type Attributes = z.infer<typeof attributes>;

// Lets exactly `bytes` bytes through (counted from when this connection got the toxic), then closes. The
// count is the connection's state for this toxic, so updating `bytes` on a live connection keeps what
// already passed (as in Toxiproxy): raising the limit lets the difference through.
class LimitDataStage extends PassStage {
  private closed = false;

  constructor(private readonly options: StageOptions<Attributes>) {
    super();
  }

  private get passed(): number {
    return (this.options.state.passed as number | undefined) ?? 0;
  }

  private set passed(bytes: number) {
    this.options.state.passed = bytes;
  }

  override push(chunk: Buffer): void {
    if (this.passing) return this.next.push(chunk);
    const room = this.options.attributes.bytes - this.passed;
    if (this.closed || room <= 0) {
      this.options.context.discard(chunk.length);
      this.closeOnce();
      return;
    }
    const piece = chunk.length <= room ? chunk : chunk.subarray(0, room);
    this.passed += piece.length;
    if (piece.length < chunk.length) this.options.context.discard(chunk.length - piece.length);
    this.next.push(piece);
    if (this.passed >= this.options.attributes.bytes) this.closeOnce();
  }

  private closeOnce(): void {
    if (this.closed) return;
    this.closed = true;
    this.next.end();
    this.options.context.close();
  }
}

export const limitData: ToxicKind<Attributes> = {
  type: 'limit_data',
  summary: 'closes the connection after bytes bytes went through',
  scope: 'stream',
  attributes,
  stage: (options) => new LimitDataStage(options),
};
