import { z } from 'zod';
import { PassStage, type StageOptions, type ToxicKind } from './toxic.js';

const attributes = z.object({
  timeout: z.number().int().min(0).default(0),
});
type Attributes = z.infer<typeof attributes>;

// As in Toxiproxy: the first data on the stream arms the reset; after `timeout` ms both sides get a
// TCP RST (the client sees ECONNRESET). Data after the trigger is swallowed.
class ResetPeerStage extends PassStage {
  private timer: NodeJS.Timeout | null = null;
  private armed = false;

  constructor(private readonly options: StageOptions<Attributes>) {
    super();
  }

  override push(chunk: Buffer): void {
    if (this.passing) return this.next.push(chunk);
    this.options.context.discard(chunk.length);
    if (this.armed) return;
    this.armed = true;
    const { timeout } = this.options.attributes;
    if (timeout === 0) this.options.context.reset();
    else this.timer = setTimeout(() => this.options.context.reset(), timeout);
  }

  override drain(): void {
    if (this.timer) clearTimeout(this.timer);
    super.drain();
  }

  override destroy(): void {
    if (this.timer) clearTimeout(this.timer);
    super.destroy();
  }
}

export const resetPeer: ToxicKind<Attributes> = {
  type: 'reset_peer',
  summary: 'resets the connection (TCP RST) timeout (ms) after the first data',
  scope: 'stream',
  attributes,
  stage: (options) => new ResetPeerStage(options),
};
