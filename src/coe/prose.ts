import nlp from 'compromise/two';
import type { Parents as MdastParents } from 'mdast';
import { toNlcst } from 'mdast-util-to-nlcst';
import type { Root as NlcstRoot, Sentence as NlcstSentence, SentenceContent } from 'nlcst';
import { normalize } from 'nlcst-normalize';
import { toString } from 'nlcst-to-string';
import { ParseEnglish } from 'parse-english';
import type { VFile } from 'vfile';
import type { SectionKey } from './sections.js';

// Prose as the blame rules see it: sentences (parse-english, through mdast-util-to-nlcst so that every
// word keeps its line and column in the file), each word tagged with its part of speech by compromise
// (noun, verb, person's name, possessive …), and whether it stands inside quotes or is inline code. The
// rules ask questions of this model — is this phrase negated, who is the subject of that verb — rather
// than matching patterns over raw lines.

/** Where a sentence sits: the rules read a why, an action item and the summary differently. */
export type ProseRole = 'prose' | 'why' | 'action' | 'heading' | 'title';

export interface ProseContext {
  role: ProseRole;
  section?: SectionKey;
  /** Which why or which action item the sentence belongs to ("why 3", "actions[0]" …). */
  item?: string;
}

export interface Token {
  text: string;
  /** Lower case, without apostrophes or hyphens (nlcst-normalize). */
  norm: string;
  kind: 'word' | 'punctuation' | 'code';
  line: number;
  column: number;
  tags: ReadonlySet<string>;
  /** Inside quotation marks: a phrase mentioned, not used. */
  quoted: boolean;
  possessive: boolean;
  node: SentenceContent;
}

export interface Sentence {
  tokens: Token[];
  node: NlcstSentence;
  text: string;
  question: boolean;
  context: ProseContext;
}

export type Locate = (point: { line: number; column: number; offset?: number }) => { line: number; column: number };

const parser = new ParseEnglish();
const opening = new Map([['“', '”'], ['«', '»'], ['„', '“'], ['"', '"'], ["'", "'"], ['‘', '’']]);

/** Sentences of a Markdown block (paragraph, heading, table cell …); positions are the file's. */
export function markdownSentences(block: MdastParents, file: VFile, context: ProseContext): Sentence[] {
  // Tables are skipped by mdast-util-to-nlcst; a cell handed over as a paragraph of its own is not.
  const paragraph = { type: 'paragraph', children: block.children, position: block.position } as MdastParents;
  return sentencesOf(toNlcst(paragraph, file, ParseEnglish), context, (point) => point);
}

/** Sentences of plain text (a front-matter value); `locate` maps offsets in `text` to the file. */
export function plainSentences(text: string, context: ProseContext, locateOffset: (offset: number) => { line: number; column: number }): Sentence[] {
  return sentencesOf(parser.parse(text), context, (point) => locateOffset(point.offset ?? 0));
}

function sentencesOf(root: NlcstRoot, context: ProseContext, locate: Locate): Sentence[] {
  const sentences: Sentence[] = [];
  for (const paragraph of root.children) {
    if (paragraph.type !== 'ParagraphNode') continue;
    for (const node of paragraph.children) {
      if (node.type === 'SentenceNode') sentences.push(sentenceOf(node, context, locate));
    }
  }
  return sentences.filter((s) => s.tokens.some((t) => t.kind === 'word'));
}

function sentenceOf(node: NlcstSentence, context: ProseContext, locate: Locate): Sentence {
  const tokens: Token[] = [];
  const spans: Array<[number, number]> = [];
  let text = '';
  for (const child of node.children) {
    // Inline code stands in the sentence as one noun ("code") so the tagger still sees a sentence.
    const piece = child.type === 'SourceNode' ? 'code' : toString(child);
    if (child.type === 'WordNode' || child.type === 'PunctuationNode' || child.type === 'SymbolNode' || child.type === 'SourceNode') {
      const at = locate(child.position?.start ?? { line: 0, column: 0 });
      tokens.push({
        text: piece,
        norm: child.type === 'WordNode' ? normalize(child) : piece,
        kind: child.type === 'WordNode' ? 'word' : child.type === 'SourceNode' ? 'code' : 'punctuation',
        line: at.line,
        column: at.column,
        tags: new Set<string>(),
        quoted: false,
        possessive: child.type === 'WordNode' && /(['’]s|s['’])$/i.test(piece),
        node: child,
      });
      spans.push([text.length, text.length + piece.length]);
    }
    text += piece;
  }
  markQuotes(tokens);
  tag(text, tokens, spans);
  const last = tokens[tokens.length - 1];
  return { tokens, node, text, question: last?.text === '?', context };
}

/** Tokens between a pair of matching quotation marks are quoted; an unmatched mark quotes nothing. */
function markQuotes(tokens: Token[]): void {
  for (let i = 0; i < tokens.length; i++) {
    const close = opening.get(tokens[i].text);
    if (tokens[i].kind !== 'punctuation' || close === undefined) continue;
    const end = tokens.findIndex((t, j) => j > i && t.kind === 'punctuation' && t.text === close);
    if (end < 0) continue;
    for (let j = i + 1; j < end; j++) tokens[j].quoted = true;
    i = end;
  }
}

interface TaggedTerm {
  tags: string[];
  offset: { start: number; length: number };
}

/** Parts of speech from compromise, mapped back onto our tokens by character offset. */
function tag(text: string, tokens: Token[], spans: Array<[number, number]>): void {
  const sentences = nlp(text).json({ offset: true }) as Array<{ terms: TaggedTerm[] }>;
  let at = 0;
  for (const term of sentences.flatMap((s) => s.terms)) {
    const start = term.offset.start;
    while (at < spans.length - 1 && spans[at][1] <= start && !(term.offset.length === 0 && spans[at][1] === start)) at++;
    const tags = tokens[at].tags as Set<string>;
    for (const t of term.tags) tags.add(t);
  }
  for (const token of tokens) if (token.tags.has('Possessive')) token.possessive = true;
}
