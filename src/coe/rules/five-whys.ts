import type { Rule } from '../rule.js';
import { isCoe } from './sections.js';

// Five is not magic, but the first answers to "why?" are almost always about the trigger (a command, a
// deploy, a customer's request); the conditions that let a trigger become an outage come later. A why
// that is asked but not answered does not count.

const required = 5;

export const fiveWhys: Rule = {
  name: 'structure/five-whys',
  severity: 'error',
  summary: 'the five whys section asks and answers at least five whys',
  check(doc) {
    const section = doc.sections.find((s) => s.definition?.key === 'whys');
    if (!isCoe(doc) || !section) return [];
    const unanswered = doc.whys.filter((why) => !why.sentences.some((s) => !s.question));
    const answered = doc.whys.length - unanswered.length;
    const remarks = unanswered.map((why) => ({
      ...why.at,
      message: 'this why is asked but not answered',
      suggestion: 'Answer it with what the system did or allowed; if nobody knows yet, say what would find out.',
    }));
    if (answered < required && section.content.length > 0) {
      remarks.push({
        ...section.at,
        message: `${answered} answered why${answered === 1 ? '' : 's'}; a COE asks at least ${required}`,
        suggestion: 'Ask why of the last answer again, until the answer is a condition the system can change (a missing timeout, a tool without a limit), not a trigger or a person.',
      });
    }
    return remarks;
  },
};
