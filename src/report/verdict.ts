// How each verdict is said to people, once, for both reports: the big word, the plain sentence, and
// the colour (held green, violated amber, aborted red) that makes a report readable from across a room.

import type { Verdict } from '../journal/outcome.js';

export interface VerdictWords {
  /** The big word: HELD, VIOLATED … */
  word: string;
  /** One plain sentence under it. */
  headline: string;
  /** A CSS class suffix: held, violated, aborted, invalid, error, unknown. */
  tone: string;
  /** A symbol for plain-text places (Markdown, the page icon). */
  symbol: string;
}

const WORDS: Record<Verdict, VerdictWords> = {
  held: { word: 'HELD', headline: 'The hypothesis held.', tone: 'held', symbol: '✅' },
  violated: { word: 'VIOLATED', headline: 'The hypothesis was violated.', tone: 'violated', symbol: '⚠️' },
  aborted: { word: 'ABORTED', headline: 'A guardrail aborted the run and every fault was reverted.', tone: 'aborted', symbol: '🛑' },
  invalid: { word: 'INVALID', headline: 'The experiment was invalid; nothing was touched.', tone: 'invalid', symbol: '⛔' },
  error: { word: 'ERROR', headline: 'The run ended with an internal error.', tone: 'error', symbol: '💥' },
};

/** A journal read back from disk may carry a verdict this version does not know; say so, don't crash. */
export function verdictWords(verdict: unknown): VerdictWords {
  if (typeof verdict === 'string' && Object.hasOwn(WORDS, verdict)) return WORDS[verdict as Verdict];
  return { word: String(verdict ?? 'UNKNOWN').toUpperCase(), headline: 'The verdict is not one this version of GameDay knows.', tone: 'unknown', symbol: '❔' };
}
