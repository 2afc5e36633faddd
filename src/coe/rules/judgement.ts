import { at, findPhrases, isNegated, isQuoted, peopleSubject, words, type Span } from '../grammar.js';
import { judgementPhrases, judgementWords, personJudgementVerbs } from '../lexicon.js';
import type { Sentence } from '../prose.js';
import type { Remark, Rule } from '../rule.js';

// Words that judge a person — careless, negligent, forgot, didn't bother — make people hide what they did
// the next time, and the COE loses the facts it needs. Each is flagged with what to write instead: what the
// person saw and knew, and what in the system made the slip easy.

export const judgement: Rule = {
  name: 'blame/judgement',
  severity: 'error',
  summary: 'words that judge a person ("careless", "forgot", "neglected", "didn\'t bother", "more careful" …) get a blameless rewording',
  check(doc) {
    return doc.sentences.flatMap(judgementsIn);
  },
};

function judgementsIn(s: Sentence): Remark[] {
  const remarks: Remark[] = [];
  const seen = new Set<number>();
  const flag = (span: Span, instead: string) => {
    if (seen.has(span[0]) || isQuoted(s, span) || isNegated(s, span)) return;
    seen.add(span[0]);
    remarks.push({ ...at(s, span), message: `"${words(s, span)}" judges a person instead of describing what happened`, suggestion: `Instead: ${instead}.` });
  };
  const phrases = Object.keys(judgementPhrases).filter((p) => !(s.context.role === 'action' && p.endsWith('careful')));
  // Multi-word phrases first, so that "didn't bother" is not also read as a negated "bother".
  findPhrases(s, phrases, (span, phrase) => flag(span, judgementPhrases[phrase]));
  s.tokens.forEach((t, i) => {
    if (t.kind !== 'word') return;
    const instead = judgementWords[t.norm];
    if (instead) flag([i, i + 1], instead);
    const verb = personJudgementVerbs[t.norm];
    if (verb && peopleSubject(s, i)) flag([i, i + 1], verb);
  });
  return remarks;
}
