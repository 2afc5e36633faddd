import type { Rule } from '../rule.js';

// `gameday coe check` reads any Markdown file: without `kind: coe` in its front matter the language rules
// still run, and this note says that the structure was not checked, so nobody mistakes silence for a pass.

export const notACoe: Rule = {
  name: 'structure/not-a-coe',
  severity: 'info',
  summary: 'a Markdown file without `kind: coe` front matter is checked for language only',
  check(doc) {
    if (doc.frontMatter.kind === 'coe') return [];
    return [
      {
        line: doc.frontMatter.kind === 'other' ? doc.frontMatter.line : 1,
        column: 1,
        message: doc.frontMatter.kind === 'other' ? 'front matter without `kind: coe`: language checked, structure not' : 'no COE front matter: language checked, structure not',
        suggestion: 'To check the sections, the whys and the action items too, start the file with front matter: kind: coe, title, actions (see `gameday schema --coe` and docs/coe.md).',
      },
    ];
  },
};
