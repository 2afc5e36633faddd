import { at, findPhrases, isNegated, isQuoted, isWord, peopleSubject, words, type Span } from '../grammar.js';
import { humanActivityParticiples, personHindsightVerbs, procedureNouns } from '../lexicon.js';
import type { Sentence } from '../prose.js';
import type { Remark, Rule } from '../rule.js';

// Hindsight: "should have", "failed to", "missed", "did not follow the runbook". After the outage everyone
// knows which signal mattered; before it, the person saw a screen full of signals. Sentences that measure
// people against what is known now hide why their actions made sense then. Only hindsight about people
// counts: "the alert should have fired at 10:02" describes a system and is left alone.

export const hindsight: Rule = {
  name: 'blame/hindsight',
  severity: 'warning',
  summary: 'hindsight about people ("should have", "failed to", "missed", "did not follow the runbook") gets a blameless rewording',
  check(doc) {
    return doc.sentences.flatMap(hindsightIn);
  },
};

const modalsOfHindsight = new Map([
  ['should', 'should'], ['shouldve', 'should'], ['ought', 'should'], ['could', 'could'], ['couldve', 'could'],
]);
const fillers = new Set(['of', 'course', 'really', 'clearly', 'obviously', 'probably', 'definitely', 'easily', 'certainly', 'to', 'also', 'simply']);
const couldParticiples = new Set(['prevented', 'caught', 'avoided', 'noticed', 'known', 'spotted', 'stopped', 'detected', 'seen']);

const say = {
  should: 'say what happened and what would have made the other path the easy one: "the deploy tool did not ask for confirmation", not "the engineer should have double-checked"',
  failed: 'say what was done and what was not ("the new code was copied to seven of eight servers"), then ask what made the difference invisible',
  missed: 'say what the signal looked like then, among the others, and what would have made it stand out',
  procedure: 'say what the procedure asked, what was done instead, and why that made sense at the time (was the procedure slow, unclear, out of date?)',
};

function hindsightIn(s: Sentence): Remark[] {
  const remarks: Remark[] = [];
  const flag = (span: Span, instead: string) => {
    if (isQuoted(s, span) || remarks.some((r) => r.line === s.tokens[span[0]].line && r.column === s.tokens[span[0]].column)) return;
    remarks.push({ ...at(s, span), message: `"${words(s, span)}" judges with hindsight what people did`, suggestion: `Instead: ${instead}.` });
  };
  s.tokens.forEach((t, i) => {
    if (!isWord(t)) return;
    const modal = modalsOfHindsight.get(t.norm);
    if (modal) {
      const span = modalHave(s, i, modal);
      if (span) flag(span, say.should);
    }
    if (['failed', 'fail', 'fails', 'failing'].includes(t.norm) && s.tokens[i + 1]?.norm === 'to' && peopleSubject(s, i)) flag([i, i + 2], say.failed);
    if (personHindsightVerbs.has(t.norm) && peopleSubject(s, i) && !isNegated(s, [i, i + 1])) flag([i, i + 1], say.missed);
    if (t.norm === 'if' && s.tokens[i + 1]?.norm === 'only') flag([i, i + 2], say.should);
  });
  findPhrases(s, ['did not follow', 'didnt follow', 'not following', 'failed to follow', 'ignored the', 'bypassed the', 'skipped the'], (span) => {
    const object = s.tokens.slice(span[1], span[1] + 4).find((t) => procedureNouns.has(t.norm));
    if (object && peopleSubject(s, span[0])) flag(span, say.procedure);
  });
  return remarks;
}

/** "should have", "should of course have", "should have been caught", "could have prevented" — about people. */
function modalHave(s: Sentence, i: number, modal: string): Span | undefined {
  let j = i + 1;
  if (!s.tokens[i].norm.endsWith('ve')) {
    while (isWord(s.tokens[j]) && fillers.has(s.tokens[j].norm)) j++;
    if (s.tokens[j]?.norm !== 'have') return undefined;
    j++;
  }
  const passive = s.tokens[j]?.norm === 'been' && humanActivityParticiples.has(s.tokens[j + 1]?.norm ?? '');
  const participle = passive ? s.tokens[j + 1] : s.tokens[j];
  if (modal === 'could' && !couldParticiples.has(participle?.norm ?? '')) return undefined;
  if (!passive && !peopleSubject(s, i)) return undefined;
  return [i, Math.min(s.tokens.length, (passive ? j + 2 : j + 1))];
}
