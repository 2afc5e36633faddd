import type { Heading, ListItem, Nodes, Parents, Root, RootContent } from 'mdast';
import { toString } from 'mdast-util-to-string';
import remarkFrontmatter from 'remark-frontmatter';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { VFile } from 'vfile';
import { readUserFile } from '../config/structured-file.js';
import { CoeFileError, readFrontMatter, type FrontMatter } from './front-matter-file.js';
import { markdownSentences, plainSentences, type ProseContext, type Sentence } from './prose.js';
import { sectionOfHeading, type SectionDefinition, type SectionKey } from './sections.js';

// A Markdown file as the check reads it: front matter, sections (by their headings), the whys and the
// prose, every sentence carrying the file's line and column. remark parses the Markdown (CommonMark and
// GitHub's tables), so headings, lists, code blocks and quotations are known for what they are: code and
// block quotations are never read as the author's own words.

export interface Position {
  line: number;
  column: number;
}

export interface Section {
  definition?: SectionDefinition;
  title: string;
  depth: number;
  at: Position;
  /** Everything under the heading up to the next heading of the same or a higher level. */
  content: RootContent[];
}

export interface Why {
  at: Position;
  sentences: Sentence[];
}

export interface CoeDocument {
  file: string;
  frontMatter: FrontMatter;
  sections: Section[];
  whys: Why[];
  sentences: Sentence[];
  end: Position;
}

const processor = unified().use(remarkParse).use(remarkFrontmatter, ['yaml']).use(remarkGfm);

export function readCoeFile(file: string): CoeDocument {
  return parseCoe(readUserFile(file, CoeFileError), file);
}

export function parseCoe(text: string, file: string): CoeDocument {
  const vfile = new VFile({ path: file, value: text });
  const tree = processor.parse(vfile) as Root;
  const first = tree.children[0];
  const yaml = first?.type === 'yaml' ? first : undefined;
  if (!yaml && /^---[ \t]*\r?\n/.test(text)) {
    throw new CoeFileError([{ file, line: 1, column: 1, path: '', message: 'front matter opened with --- on line 1 is never closed: end it with a line of ---' }]);
  }
  const frontMatter = readFrontMatter(yaml?.value, yaml?.position?.start.line ?? 0, file);
  const body = tree.children.filter((node) => node.type !== 'yaml');
  const sections = sectionsOf(body);
  const sentences: Sentence[] = [];
  const whys: Why[] = [];
  readBlocks(body, sections, vfile, sentences, whys);
  if (frontMatter.kind === 'coe') sentences.unshift(...frontMatterSentences(frontMatter));
  const lines = text.split('\n');
  return { file, frontMatter, sections, whys, sentences, end: { line: lines.length, column: 1 } };
}

function positionOf(node: Nodes): Position {
  return { line: node.position?.start.line ?? 1, column: node.position?.start.column ?? 1 };
}

function sectionsOf(body: RootContent[]): Section[] {
  const sections: Section[] = [];
  body.forEach((node, index) => {
    if (node.type !== 'heading') return;
    let end = index + 1;
    while (end < body.length && !(body[end].type === 'heading' && (body[end] as Heading).depth <= node.depth)) end++;
    const title = toString(node);
    sections.push({ definition: sectionOfHeading(title), title, depth: node.depth, at: positionOf(node), content: body.slice(index + 1, end) });
  });
  return sections;
}

/** Walks the body in order, knowing which COE section each block is in, and collects sentences and whys. */
function readBlocks(body: RootContent[], sections: Section[], file: VFile, sentences: Sentence[], whys: Why[]): void {
  const open: Array<{ depth: number; key?: SectionKey }> = [];
  const whySection = sections.find((s) => s.definition?.key === 'whys');
  const whysAreListed = whySection?.content.some((n) => n.type === 'list') ?? false;
  const whysAreHeaded = !whysAreListed && (whySection?.content.some((n) => n.type === 'heading') ?? false);
  let currentWhy: Why | undefined;
  let actionItems = 0;
  const sectionKey = () => [...open].reverse().find((s) => s.key)?.key;

  for (const node of body) {
    if (node.type === 'heading') {
      while (open.length > 0 && open[open.length - 1].depth >= node.depth) open.pop();
      const inWhys = sectionKey() === 'whys';
      open.push({ depth: node.depth, key: sectionOfHeading(toString(node))?.key });
      if (inWhys && whysAreHeaded) {
        currentWhy = { at: positionOf(node), sentences: [] };
        whys.push(currentWhy);
        currentWhy.sentences.push(...markdownSentences(node, file, { role: 'why', section: 'whys', item: `why ${whys.length}` }));
        sentences.push(...currentWhy.sentences);
      } else {
        currentWhy = undefined;
        sentences.push(...markdownSentences(node, file, { role: 'heading', section: sectionKey() }));
      }
      continue;
    }
    const section = sectionKey();
    if (section === 'whys' && node.type === 'list' && whysAreListed) {
      for (const item of node.children) {
        const why: Why = { at: positionOf(item), sentences: [] };
        whys.push(why);
        why.sentences.push(...itemSentences(item, file, { role: 'why', section, item: `why ${whys.length}` }));
        sentences.push(...why.sentences);
      }
    } else if (section === 'whys' && !whysAreListed && !whysAreHeaded && node.type === 'paragraph') {
      const why: Why = { at: positionOf(node), sentences: markdownSentences(node, file, { role: 'why', section, item: `why ${whys.length + 1}` }) };
      whys.push(why);
      sentences.push(...why.sentences);
    } else if (section === 'actions' && node.type === 'list') {
      for (const item of node.children) sentences.push(...itemSentences(item, file, { role: 'action', section, item: `list item ${++actionItems}` }));
    } else {
      const found = blockSentences(node, file, { role: currentWhy ? 'why' : 'prose', section, item: currentWhy ? `why ${whys.length}` : undefined });
      currentWhy?.sentences.push(...found);
      sentences.push(...found);
    }
  }
}

function itemSentences(item: ListItem, file: VFile, context: ProseContext): Sentence[] {
  return item.children.flatMap((child) => blockSentences(child, file, context));
}

/** Prose inside a block; code, HTML and block quotations (someone else's words) hold none. */
function blockSentences(node: RootContent, file: VFile, context: ProseContext): Sentence[] {
  switch (node.type) {
    case 'paragraph':
    case 'heading':
    case 'tableCell':
      return markdownSentences(node, file, context);
    case 'list':
    case 'listItem':
    case 'table':
    case 'tableRow':
    case 'footnoteDefinition':
      return (node as Parents).children.flatMap((child) => blockSentences(child as RootContent, file, context));
    default:
      return [];
  }
}

function frontMatterSentences(frontMatter: Extract<FrontMatter, { kind: 'coe' }>): Sentence[] {
  const found: Sentence[] = [];
  const read = (path: (string | number)[], context: ProseContext) => {
    const scalar = frontMatter.scalar(path);
    if (scalar) found.push(...plainSentences(scalar.text, context, scalar.locateOffset));
  };
  read(['title'], { role: 'title' });
  frontMatter.value.actions.forEach((item, index) => read(['actions', index, 'action'], { role: 'action', section: 'actions', item: `action ${item.id}` }));
  return found;
}
