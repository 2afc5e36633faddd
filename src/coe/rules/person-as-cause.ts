import { findPhrases, isNegated, isPersonish, isQuoted, isVerb, isWord, nounPhraseBefore, nounPhraseFrom, personHeading, words, type Span } from '../grammar.js';
import { causeMarkers, causeNouns, causeVerbPhrases, copulas } from '../lexicon.js';
import type { Sentence, Token } from '../prose.js';
import type { Remark, Rule } from '../rule.js';

// A why that ends at a person is a why asked one time too few. People act in every incident — they appear
// in the timeline doing things — but "because the engineer ran the script" leaves unanswered why the
// script could do that, and the next engineer will run it too. This rule finds a person named as a cause:
// the answer of a why whose subject is a person, and anywhere the words say "caused by", "because", "the
// root cause was", "X broke checkout" with a person as the cause.

export const personAsCause: Rule = {
  name: 'blame/person-as-cause',
  severity: 'error',
  summary: 'a why (or any cause) that ends at a person — a name, a role, "someone" — is asked again of the system',
  check(doc) {
    const remarks: Remark[] = [];
    const answered = new Set<string>();
    for (const s of doc.sentences) {
      if (s.question || s.context.role === 'action') continue;
      const people = new Map<Token, Span>();
      const blame = (span: Span | undefined, named?: Token) => {
        const person = span && !isQuoted(s, span) ? (named ?? personHeading(s, span)) : undefined;
        if (person && !people.has(person)) people.set(person, span!);
      };
      // The first answer in a why is a cause by position, whatever its words.
      if (s.context.role === 'why' && s.context.item && !answered.has(s.context.item)) {
        answered.add(s.context.item);
        for (const subject of subjectsOfAnswer(s)) blame(subject);
        blame(passiveAgent(s));
      }
      causesNamedIn(s, blame);
      for (const [person, span] of people) remarks.push(remark(s, person, span));
    }
    return remarks;
  },
};

function remark(s: Sentence, person: Token, span: Span): Remark {
  const why = s.context.role === 'why';
  return {
    line: person.line,
    column: person.column,
    message: why
      ? `this why ends at a person ("${words(s, span)}"): a person may act in the timeline, but the answer to a why is something the system did or allowed`
      : `"${words(s, span)}" is named as the cause: a person may act in the timeline, but a cause is something the system did or allowed`,
    suggestion: `Ask why once more, of the system: what let this happen ("${quoteOf(s)}"), and what would have stopped it or made it harmless?`,
  };
}

/** The sentence as a short quote: without a leading "because" and the final stop, at most 80 characters. */
function quoteOf(s: Sentence): string {
  const text = s.text.replace(/\s+/g, ' ').trim().replace(/^(because|since)\s+/i, '').replace(/[.!]+$/, '');
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

/**
 * The subjects an answer in the five whys ends at: the subject of its first clause ("Because the on-call
 * engineer restarted …", "During the deploy, one of the technicians did not copy …") and of its last one
 * ("…, and nobody updated the runbook"). "The operator had no way to see the host" names a lack in the
 * system, not a person's act, and is left alone.
 */
function subjectsOfAnswer(s: Sentence): Span[] {
  const subjects: Span[] = [];
  let start = 0;
  while (isWord(s.tokens[start]) && leadWords.has(s.tokens[start].norm)) start++;
  const opening = nounPhraseFrom(s, start);
  if (opening && actsAfter(s, opening[1]) && !lacks(s, opening[1])) subjects.push(opening);
  const verbs = s.tokens.map((_, i) => i).filter((i) => isFiniteVerb(s, i));
  for (const v of [verbs[0], verbs[verbs.length - 1]]) {
    const np = v === undefined ? undefined : nounPhraseBefore(s, v);
    if (np && !lacks(s, v)) subjects.push(np);
  }
  return subjects;
}

const leadWords = new Set(['because', 'since', 'as', 'and', 'so', 'then']);

/**
 * A verb (after adverbs) follows, or — where allowed — an appositive comma or a relative "who" ("the
 * developer who wrote the assembler did not …"): the phrase is a subject.
 */
function actsAfter(s: Sentence, i: number, appositive = true): boolean {
  let j = i;
  while (isWord(s.tokens[j]) && s.tokens[j].tags.has('Adverb') && !isVerb(s.tokens[j])) j++;
  return isVerb(s.tokens[j]) || (appositive && (s.tokens[j]?.text === ',' || s.tokens[j]?.norm === 'who'));
}

function isFiniteVerb(s: Sentence, i: number): boolean {
  const t = s.tokens[i];
  return isVerb(t) && !t.tags.has('Gerund') && !t.tags.has('Modal') && s.tokens[i - 1]?.norm !== 'to' && !(t.tags.has('Participle') && !t.tags.has('PastTense'));
}

/** "had no", "has not": a lack, which belongs to the system. `v` is the verb (adverbs before it skipped). */
function lacks(s: Sentence, v: number): boolean {
  while (isWord(s.tokens[v]) && s.tokens[v].tags.has('Adverb') && !isVerb(s.tokens[v])) v++;
  return ['had', 'has', 'have'].includes(s.tokens[v]?.norm ?? '') && ['no', 'not', 'never', 'nothing'].includes(s.tokens[v + 1]?.norm ?? '');
}

/** "The config was pushed by an engineer": in a why, the agent of a passive is the cause. */
function passiveAgent(s: Sentence): Span | undefined {
  const by = s.tokens.findIndex((t, i) => t.norm === 'by' && i > 0 && (s.tokens[i - 1].tags.has('PastTense') || s.tokens[i - 1].tags.has('Participle')) && copulas.has(s.tokens[i - 2]?.norm));
  return by > 0 ? nounPhraseFrom(s, by + 1) : undefined;
}

/** Causes named in words: markers before the cause, cause nouns, cause verbs after it, "X's fault". */
function causesNamedIn(s: Sentence, blame: (span: Span | undefined, named?: Token) => void): void {
  findPhrases(s, causeMarkers, (span) => {
    if (!isNegated(s, span)) blame(nounPhraseFrom(s, span[1]));
  });
  s.tokens.forEach((t, i) => {
    if (t.norm === 'because' && s.tokens[i + 1]?.norm !== 'of' && !isNegated(s, [i, i + 1])) {
      const np = nounPhraseFrom(s, i + 1);
      if (np && actsAfter(s, np[1], false) && !lacks(s, np[1])) blame(np);
    }
    if (causeNouns.has(t.norm) && !isNegated(s, [i, i + 1])) {
      let next = i + 1;
      if (s.tokens[next]?.text === ':' || copulas.has(s.tokens[next]?.norm)) next++;
      else return;
      if (s.tokens[next]?.norm === 'that') next++;
      blame(nounPhraseFrom(s, next));
    }
    // "Dave's fault", "my fault" (not "our fault": a team's, which is where a COE looks anyway).
    const owner = s.tokens[i - 1];
    if (t.norm === 'fault' && owner && ((owner.possessive && isPersonish(owner)) || ['my', 'his', 'her'].includes(owner.norm))) blame([i - 1, i], owner);
  });
  findPhrases(s, causeVerbPhrases, (span) => {
    if (!isNegated(s, span)) blame(nounPhraseBefore(s, span[0]));
  });
}
