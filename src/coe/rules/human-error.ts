import { findPhrases, isNegated, isQuoted, at, words, type Span } from '../grammar.js';
import { givenWords, humanErrorPhrases, withstandWords } from '../lexicon.js';
import type { Sentence } from '../prose.js';
import type { Remark, Rule } from '../rule.js';

// "Operator error" is where an inquiry stops, not where it ends: it names who was nearest, and leaves the
// system that let a slip turn into an outage as it was. Mentioning the phrase is fine — in quotes, denied
// ("this was not operator error"), asked about, or as something the system must withstand.

export const humanError: Rule = {
  name: 'blame/human-error',
  severity: 'error',
  summary: '"operator error", "human error", "user error" and their variants are never a cause',
  check(doc) {
    return doc.sentences.filter((s) => !s.question).flatMap(humanErrorsIn);
  },
};

function humanErrorsIn(s: Sentence): Remark[] {
  const remarks: Remark[] = [];
  const starts = new Set<number>();
  findPhrases(s, humanErrorPhrases, (span) => {
    if (starts.has(span[0]) || isQuoted(s, span) || isNegated(s, span) || withstood(s, span)) return;
    starts.add(span[0]);
    remarks.push({
      ...at(s, span),
      message: `"${words(s, span)}" names who was nearest, not why it happened: it is never a cause`,
      suggestion:
        'Ask what in the system let this happen: what made the slip easy to make, and what would have caught it or limited the damage (a confirmation that names what will be touched, a limit on what one command can do, a safer default)?',
    });
  });
  return remarks;
}

/**
 * "make the tool resilient to operator error", "reduce the impact that human error has": the phrase is what
 * the system must withstand. The look-back crosses "that" and commas but not a semicolon or a colon.
 */
function withstood(s: Sentence, [start, end]: Span): boolean {
  for (let i = start - 1; i >= Math.max(0, start - 12); i--) {
    const t = s.tokens[i];
    if (t.kind === 'punctuation' && [';', '.', ':'].includes(t.text)) break;
    if (withstandWords.has(t.norm)) return true;
  }
  // "human error is inevitable", "… is a risk factor that can't be eliminated": a condition to design for.
  for (let i = end; i < Math.min(s.tokens.length, end + 8); i++) {
    const t = s.tokens[i];
    if (t.kind === 'punctuation' && [';', '.', ':', ','].includes(t.text)) break;
    if (givenWords.has(t.norm)) return true;
  }
  return false;
}
