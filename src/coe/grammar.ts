import { search } from 'nlcst-search';
import { clauseBreakWords, copulas, denialVerbs, hindsightPronouns, negationPairs, negations, personPronouns, roleNouns, someoneWords } from './lexicon.js';
import type { Sentence, Token } from './prose.js';

// Small questions about a sentence that every blame rule asks: where does this clause start and end, is
// this phrase negated or quoted, which noun phrase is the subject of that verb, and does it name a person.
// They read compromise's part-of-speech tags, so "the on-call engineer's runbook" is a runbook (the
// engineer is only its possessor) and "a customer configuration change" is a change.

/** A half-open range of token indices [start, end). */
export type Span = readonly [number, number];

const clausePunctuation = new Set([',', ';', ':', '—', '–', '(', ')', '[', ']', '-', '!', '?', '.']);
const nounTags = ['Noun', 'ProperNoun', 'Pronoun', 'Determiner', 'Adjective', 'Possessive', 'Value', 'Acronym', 'Person', 'Hyphenated'];
const verbTags = ['Verb', 'Modal', 'Auxiliary', 'Copula'];
const relatives = new Set(['who', 'whom', 'whose', 'which', 'that', 'what']);
const quantifiers = new Set(['one', 'some', 'several', 'two', 'three', 'each', 'any', 'many', 'most', 'none', 'all', 'both', 'either']);

export const isWord = (t: Token | undefined): t is Token => t !== undefined && t.kind === 'word';
export const isVerb = (t: Token | undefined): boolean => isWord(t) && verbTags.some((tag) => t.tags.has(tag)) && !isPersonish(t);
const isAdverb = (t: Token | undefined): boolean => isWord(t) && t.tags.has('Adverb') && !t.tags.has('Noun');

function isBreak(t: Token): boolean {
  return (t.kind === 'punctuation' && clausePunctuation.has(t.text)) || (t.kind === 'word' && clauseBreakWords.has(t.norm));
}

/** The clause around token i: from after the previous break to before the next one. */
export function clauseOf(s: Sentence, i: number): Span {
  let start = i;
  while (start > 0 && !isBreak(s.tokens[start - 1])) start--;
  let end = i + 1;
  while (end < s.tokens.length && !isBreak(s.tokens[end])) end++;
  return [start, end];
}

/** Every word of the span is inside quotation marks, or the span holds inline code: mentioned, not used. */
export function isQuoted(s: Sentence, [start, end]: Span): boolean {
  const words = s.tokens.slice(start, end).filter(isWord);
  return words.length > 0 && words.every((t) => t.quoted);
}

const isNegation = (t: Token | undefined): boolean => isWord(t) && (negations.has(t.norm) || t.tags.has('Negative'));

/**
 * Whether the span is denied in its clause: a negation before it ("this was not operator error", "rather
 * than human error") or right after it, on its verb ("operator error is never a root cause").
 */
export function isNegated(s: Sentence, [start, end]: Span): boolean {
  const [clauseStart, clauseEnd] = clauseOf(s, start);
  for (let i = clauseStart; i < start; i++) {
    if (isNegation(s.tokens[i])) return true;
    if (negationPairs.some(([a, b]) => s.tokens[i].norm === a && s.tokens[i + 1]?.norm === b)) return true;
  }
  // "… denied that any human error …": the clause is what a denial verb denies.
  if (s.tokens[clauseStart - 1]?.norm === 'that' && denialVerbs.has(s.tokens[clauseStart - 2]?.norm ?? '')) return true;
  // After the span: its verb negated — right after it ("operator error is never a root cause") or, when the
  // span sits in a long subject, on the clause's first copula ("telling people to be careful … is not a
  // solution"). "The human error is not re-evaluating …" names the error instead, and is not a denial.
  const firstCopula = s.tokens.findIndex((t, i) => i >= end && i < clauseEnd && copulas.has(t.norm));
  for (let i = end; i < clauseEnd; i++) {
    const t = s.tokens[i];
    const near = i < end + 4 && (i === end || isVerb(s.tokens[i - 1]) || t.norm.endsWith('nt'));
    const onCopula = firstCopula >= 0 && (i === firstCopula + 1 || (i === firstCopula && t.norm.endsWith('nt')));
    if (isNegation(t) && (near || onCopula) && !s.tokens[i + 1]?.tags.has('Gerund')) return true;
  }
  return false;
}

/** Could this token be part of a noun phrase? */
function isNounish(t: Token | undefined): boolean {
  if (!isWord(t) || relatives.has(t.norm)) return false;
  if (isPersonish(t)) return true;
  if (verbTags.some((tag) => t.tags.has(tag)) && !t.tags.has('Noun')) return false;
  if (t.tags.has('Preposition') && !t.tags.has('Noun')) return false;
  if (t.tags.has('Conjunction') || t.tags.has('QuestionWord')) return false;
  return nounTags.some((tag) => t.tags.has(tag)) || isIdentifier(t);
}

/** "A" in "Engineer A", "1" in "team-member-1": a label, not a noun the person modifies. */
function isIdentifier(t: Token): boolean {
  return /^[A-Z]$/.test(t.text) || /\d/.test(t.text);
}

/** The noun phrase that starts at (or just after adverbs at) token i. */
export function nounPhraseFrom(s: Sentence, i: number): Span | undefined {
  let start = i;
  while (isAdverb(s.tokens[start])) start++;
  let end = start;
  while (end < s.tokens.length) {
    const t = s.tokens[end];
    if (isNounish(t)) end++;
    else if (t.norm === 'of' && end > start && quantifiers.has(s.tokens[end - 1].norm)) end++;
    else break;
  }
  return end > start ? [start, end] : undefined;
}

/** The noun phrase that ends just before token i (adverbs between it and i skipped): a verb's subject. */
export function nounPhraseBefore(s: Sentence, i: number): Span | undefined {
  let end = i;
  // Adverbs, auxiliaries and a negation between subject and verb: "the engineer did not add".
  while (end > 0 && (isAdverb(s.tokens[end - 1]) || (isWord(s.tokens[end - 1]) && (s.tokens[end - 1].tags.has('Auxiliary') || ['not', 'never'].includes(s.tokens[end - 1].norm))))) end--;
  let start = end;
  while (start > 0) {
    const t = s.tokens[start - 1];
    if (isNounish(t)) start--;
    else if (t.norm === 'of' && start >= 2 && quantifiers.has(s.tokens[start - 2].norm)) start--;
    else break;
  }
  return end > start ? [start, end] : undefined;
}

/** Names a person by itself: a first name, a role ("engineer"), "someone", "he" … */
export function isPersonish(t: Token): boolean {
  if (t.kind !== 'word' || t.quoted) return false;
  const bare = t.possessive ? t.norm.replace(/s$/, '') : t.norm;
  if (roleNouns.has(bare) || someoneWords.has(bare) || personPronouns.has(t.norm)) return true;
  if (/^(engineer|developer|operator|admin|teammember|member|user|technician)\d+[a-z]?$/.test(bare)) return true;
  return t.tags.has('Person') || t.tags.has('FirstName') || t.tags.has('MaleName') || t.tags.has('FemaleName');
}

/**
 * The person a noun phrase is about, if its head is a person: "the on-call engineer" and "Engineer A" are;
 * "the on-call engineer's runbook" and "an on-call rotation" are not (the person only modifies the head).
 */
export function personHeading(s: Sentence, [start, end]: Span): Token | undefined {
  for (let i = start; i < end; i++) {
    const t = s.tokens[i];
    if (!isPersonish(t) || t.possessive) continue;
    const rest = s.tokens.slice(i + 1, end).filter((n) => !isIdentifier(n));
    // "no one": "no" negates, "one" is the person.
    if (rest.length === 0 || rest.every((n) => isPersonish(n) && !n.possessive)) return t;
  }
  if (end - start >= 2 && s.tokens[start].norm === 'no' && s.tokens[start + 1].norm === 'one') return s.tokens[start];
  return undefined;
}

/** The words of a span as written. */
export function words(s: Sentence, [start, end]: Span): string {
  return s.tokens
    .slice(start, end)
    .map((t) => t.text)
    .join(' ')
    .replace(/\s+([,.;:!?])/g, '$1');
}

/** The span's first token's position, for a finding. */
export function at(s: Sentence, [start]: Span): { line: number; column: number } {
  return { line: s.tokens[start].line, column: s.tokens[start].column };
}

/** Every occurrence of the phrases (nlcst-search: normalized words, `*` for any word) as token spans. */
export function findPhrases(s: Sentence, phrases: readonly string[], found: (span: Span, phrase: string) => void): void {
  const index = new Map(s.tokens.map((t, i) => [t.node, i]));
  search(
    s.node,
    [...phrases],
    (nodes, _position, _parent, phrase) => {
      const start = index.get(nodes[0]);
      const end = index.get(nodes[nodes.length - 1]);
      if (start !== undefined && end !== undefined) found([start, end + 1], phrase);
    },
    // Quotation is judged by the rules themselves (isQuoted): nlcst-is-literal also treats a word after a
    // colon as a literal, and "Root cause: carelessness." is a use, not a mention.
    { allowLiterals: true },
  );
}

/** The subject before token i when it is people: a person, or "we", "they", "the team" (hindsight subjects). */
export function peopleSubject(s: Sentence, i: number): Span | undefined {
  const np = nounPhraseBefore(s, i);
  if (!np) return undefined;
  if (personHeading(s, np)) return np;
  return hindsightPronouns.has(s.tokens[np[1] - 1].norm) ? np : undefined;
}
