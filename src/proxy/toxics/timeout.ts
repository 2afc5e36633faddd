import { z } from 'zod';
import { PassStage, type StageOptions, type ToxicKind } from './toxic.js';

const attributes = z.strictObject({
  // ms until the connection is closed; 0 keeps it open forever (a black hole).
  timeout: z.number().int().min(0).default(0),
});
type Attributes = z.infer<typeof attributes>;

// Swallows every byte so the peer sees silence; closes the connection after `timeout`. As in Toxiproxy,
// removing the toxic closes the connections it held (their streams lost bytes, so they must not go on),
// and a FIN from the sender still closes the other side.
class TimeoutStage extends PassStage {
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly options: StageOptions<Attributes>) {
    super();
    const { timeout } = options.attributes;
    if (timeout > 0) this.timer = setTimeout(() => options.context.close(), timeout);
  }

  override push(chunk: Buffer): void {
    if (this.passing) return this.next.push(chunk);
    this.options.context.discard(chunk.length);
  }

  remove(): void {
    this.stop();
    this.passing = true;
    this.options.context.close();
  }

  override drain(): void {
    this.stop();
    super.drain();
  }

  override destroy(): void {
    this.stop();
    super.destroy();
  }

  private stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

export const timeout: ToxicKind<Attributes> = {
  type: 'timeout',
  summary: 'stops all data; closes the connection after timeout (ms), or never when 0 (black hole)',
  scope: 'stream',
  attributes,
  stage: (options) => new TimeoutStage(options),
};
