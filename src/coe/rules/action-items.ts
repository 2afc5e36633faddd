import type { Remark, Rule } from '../rule.js';

// The action items are the point of a COE: changes, each with someone who sees it through, a date, a kind
// (prevent, detect, mitigate, process) and a state. A draft may leave these blank; a finished COE may not.

const fields = [
  ['owner', 'an owner'],
  ['due', 'a due date'],
  ['kind', 'a kind (prevent, detect, mitigate or process)'],
  ['state', 'a state (open, in-progress, done or wont-do)'],
] as const;

export const actionItems: Rule = {
  name: 'structure/action-item',
  severity: 'error',
  summary: 'a COE has action items, and every item has an owner, a due date, a kind and a state',
  check(doc) {
    const fm = doc.frontMatter;
    if (fm.kind !== 'coe') return [];
    if (fm.value.actions.length === 0) {
      return [
        {
          ...fm.locate(['actions']),
          message: 'no action items: a COE commits to at least one change to the system',
          suggestion: 'Add `actions:` to the front matter, each with id, action, owner, due, kind and state (see docs/coe.md).',
        },
      ];
    }
    return fm.value.actions.flatMap((item, index): Remark[] => {
      const missing = fields.filter(([field]) => item[field] === undefined).map(([, words]) => words);
      if (missing.length === 0) return [];
      return [
        {
          ...fm.locate(['actions', index]),
          message: `action item ${item.id} has no ${missing.map((m) => m.split(' (')[0].replace(/^an? /, '')).join(', ')}`,
          suggestion: `Give it ${missing.join(', ')}.`,
        },
      ];
    });
  },
};
