import { z } from 'zod';
import { PassStage, type ToxicKind } from './toxic.js';

const attributes = z.strictObject({});

// Toxiproxy's `noop`: lets everything through. Clients use it to check that toxics can be added and
// removed on live connections without disturbing them.
export const noop: ToxicKind<Record<string, never>> = {
  type: 'noop',
  summary: 'lets everything through unchanged',
  scope: 'stream',
  attributes,
  stage: () => new PassStage(),
};
