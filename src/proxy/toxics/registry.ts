import { bandwidth } from './bandwidth.js';
import { httpAbort } from './http-abort.js';
import { httpDelay } from './http-delay.js';
import { httpError } from './http-error.js';
import { latency } from './latency.js';
import { limitData } from './limit-data.js';
import { noop } from './noop.js';
import { resetPeer } from './reset-peer.js';
import { slicer } from './slicer.js';
import { slowClose } from './slow-close.js';
import { timeout } from './timeout.js';
import type { ToxicKind } from './toxic.js';

// The one table of toxic kinds. The control API looks types up here; adding a toxic is one new file
// and one line below.
const kinds: ToxicKind<any>[] = [
  latency,
  bandwidth,
  slowClose,
  timeout,
  resetPeer,
  slicer,
  limitData,
  noop,
  httpError,
  httpDelay,
  httpAbort,
];

export const toxicKinds: ReadonlyMap<string, ToxicKind<any>> = new Map(kinds.map((kind) => [kind.type, kind]));
