import { z } from 'zod';
import { QueuedStage, type StageOptions, type ToxicKind } from './toxic.js';

const attributes = z.object({
  delay: z.number().int().min(0).default(0),
});
type Attributes = z.infer<typeof attributes>;

// Data passes untouched; only the FIN is held back by `delay` ms.
class SlowCloseStage extends QueuedStage {
  constructor(private readonly options: StageOptions<Attributes>) {
    super();
  }

  protected override endDue(): number {
    return performance.now() + this.options.attributes.delay;
  }
}

export const slowClose: ToxicKind<Attributes> = {
  type: 'slow_close',
  summary: 'delays the close of the connection by delay (ms) after the source closed',
  scope: 'stream',
  attributes,
  stage: (options) => new SlowCloseStage(options),
};
