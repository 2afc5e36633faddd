import { isPersonish, isWord } from '../grammar.js';
import { askVerbs, careAdjectives, peopleOnlyCarriers, peopleOnlyObjects, peopleOnlyVerbs, procedureNouns } from '../lexicon.js';
import type { Sentence, Token } from '../prose.js';
import type { Remark, Rule } from '../rule.js';

// An action item changes the system. "Be more careful", "remind engineers to test in staging", "retrain
// the on-call team" change only what people are asked to remember, and the same slip comes back with the
// next person. An item is flagged when every clause of it that has a verb asks something of people, and
// none changes anything; "update our training and tooling" changes the tooling and passes.

export const beCareful: Rule = {
  name: 'blame/be-careful',
  severity: 'error',
  summary: 'an action item that only asks people to be careful, be reminded or be retrained is not an action item',
  check(doc) {
    const items = new Map<string, Sentence[]>();
    for (const s of doc.sentences) {
      if (s.context.role !== 'action' || !s.context.item) continue;
      items.set(s.context.item, [...(items.get(s.context.item) ?? []), s]);
    }
    return [...items.values()].flatMap(askOfPeople);
  },
};

type Clause = { kind: 'people'; verb: Token; words: string } | { kind: 'system' } | { kind: 'none' };

function askOfPeople(sentences: Sentence[]): Remark[] {
  const clauses = sentences.flatMap((s) => clausesOf(s).map(classify));
  const people = clauses.filter((c): c is Extract<Clause, { kind: 'people' }> => c.kind === 'people');
  if (people.length === 0 || clauses.some((c) => c.kind === 'system')) return [];
  const first = people[0];
  return [
    {
      line: first.verb.line,
      column: first.verb.column,
      message: `this action item only asks people to ${first.words}: an action item changes the system, so that the slip is hard to make or harmless`,
      suggestion:
        'Change the system instead: a confirmation that names what will be touched, a limit on what one command can do, a check in CI, an alert, a safer default — and where it can be, an experiment that proves it (`experiment:` on the item).',
    },
  ];
}

/** Clauses: split at ; and : and where "and" or a comma starts a new verb ("add X and remind Y"). */
function clausesOf(s: Sentence): Token[][] {
  const clauses: Token[][] = [[]];
  s.tokens.forEach((t, i) => {
    const next = s.tokens[i + 1];
    const newVerb = isWord(next) && (next.tags.has('Verb') || peopleOnlyVerbs.has(next.norm)) && !next.tags.has('Gerund');
    if ((t.kind === 'punctuation' && [';', ':'].includes(t.text)) || ((t.norm === 'and' || t.text === ',') && newVerb)) clauses.push([]);
    else clauses[clauses.length - 1].push(t);
  });
  return clauses.filter((c) => c.some(isWord));
}

/** People-only if its main verb asks for care, memory or training; a system change if it does anything else. */
function classify(clause: Token[]): Clause {
  for (let i = 0; i < clause.length; i++) {
    const t = clause[i];
    if (!isWord(t) || t.quoted || isPersonish(t)) continue;
    const ahead = clause.slice(i + 1, i + 5).map((n) => n.norm);
    const people = (words: string): Clause => ({ kind: 'people', verb: t, words });
    if (t.tags.has('Copula') || t.norm === 'be' || t.norm === 'stay' || t.norm === 'remain') {
      const adjective = clause.slice(i + 1, i + 4).find((n) => careAdjectives.has(n.norm));
      if (adjective) return people(`be ${adjective.text}`);
      continue;
    }
    if (t.tags.has('Modal') || t.tags.has('Auxiliary')) continue;
    if (peopleOnlyVerbs.has(t.norm)) {
      if (t.norm === 'pay' && !ahead.includes('attention')) return { kind: 'system' };
      if (t.norm === 'think' && !ahead.some((w) => ['twice', 'carefully', 'harder'].includes(w))) return { kind: 'system' };
      if (t.norm === 'try' && !ahead.some((w) => ['harder', 'better'].includes(w))) return { kind: 'system' };
      return people(t.norm === 'remind' ? 'be reminded' : ['retrain', 'train', 'educate', 'reeducate', 'coach'].includes(t.norm) ? 'be retrained' : 'take more care');
    }
    if (askVerbs.has(t.norm)) {
      const object = clause.slice(i + 1, i + 4).find((n) => isPersonish(n));
      return object ? people('take more care') : { kind: 'system' };
    }
    if (t.norm === 'double' && ahead[0] === 'check') return people('double-check');
    if (t.norm === 'take' && ahead.includes('care')) return people('take care');
    // "We have taken action with that employee": consequences for a person change nothing in the system.
    if (['take', 'taken', 'took'].includes(t.norm) && ahead[0] === 'action' && ['with', 'against'].includes(ahead[1] ?? '')) return people('face consequences');
    if (t.norm === 'follow' && ahead.some((w) => procedureNouns.has(w))) return people('follow the procedure');
    if (peopleOnlyCarriers.has(t.norm) && ahead.some((w) => peopleOnlyObjects.has(w))) return people('be reminded or retrained');
    if (t.tags.has('Verb') && !t.tags.has('Gerund')) return { kind: 'system' };
  }
  return { kind: 'none' };
}
