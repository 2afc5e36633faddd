import type { RootContent } from 'mdast';
import { toString } from 'mdast-util-to-string';
import type { CoeDocument, Section } from '../document.js';
import type { Remark, Rule } from '../rule.js';
import { sectionDefinitions, type SectionDefinition } from '../sections.js';

// A COE has the same sections in every team, so that a reader knows where to look: what happened, who it
// hurt, the timeline, the numbers, the whys, what went well, what we learned, what we change, and what it
// relates to. A section that is there but empty — or holds only "TODO" or an HTML comment, which is how a
// drafted COE marks what people still have to write — is not written yet.

const placeholder = /^(todo|tbd|fixme|xxx|\.\.\.|…|to be written|to be filled in|placeholder|lorem ipsum)\b[\W]*$/i;

export const isCoe = (doc: CoeDocument) => doc.frontMatter.kind === 'coe';

function found(doc: CoeDocument, definition: SectionDefinition): Section | undefined {
  return doc.sections.find((s) => s.definition?.key === definition.key);
}

export const missingSection: Rule = {
  name: 'structure/missing-section',
  severity: 'error',
  summary: 'every COE has the sections summary, customer impact, timeline, metrics, five whys, what went well, lessons, action items and related items',
  check(doc) {
    if (!isCoe(doc)) return [];
    return sectionDefinitions.flatMap((definition, index): Remark[] => {
      if (found(doc, definition)) return [];
      // Point where the section belongs: at the next section that is there, else at the end of the file.
      const next = sectionDefinitions.slice(index + 1).map((d) => found(doc, d)).find((s) => s !== undefined);
      return [
        {
          ...(next?.at ?? doc.end),
          message: `missing section "${definition.heading}"`,
          suggestion: `Add a "## ${definition.heading}" section${next ? ` before "${next.title}"` : ''}: ${definition.holds}.`,
        },
      ];
    });
  },
};

export const emptySection: Rule = {
  name: 'structure/empty-section',
  severity: 'error',
  summary: 'a required section holds words, not just "TODO" or a comment',
  check(doc) {
    if (!isCoe(doc)) return [];
    return sectionDefinitions.flatMap((definition): Remark[] => {
      const section = found(doc, definition);
      if (!section || written(section.content)) return [];
      return [{ ...section.at, message: `section "${section.title}" is not written yet`, suggestion: `Write ${definition.holds}.` }];
    });
  },
};

function written(content: RootContent[]): boolean {
  const text = content
    .filter((node) => node.type !== 'html')
    .map((node) => toString(node))
    .join(' ')
    .trim();
  return text.length > 0 && !placeholder.test(text);
}
