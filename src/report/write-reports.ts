// The one call the experiment engine makes at the end of every run: write report.html and report.md
// into the run folder. Each file is written beside its final name and renamed into place, so a reader
// (or a crash mid-write) never sees half a report.

import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LoadedJournal } from '../journal/format.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';

export { renderHtml } from './html.js';
export { renderMarkdown } from './markdown.js';

export async function writeReports(journal: LoadedJournal, runFolder: string): Promise<{ html: string; md: string }> {
  await mkdir(runFolder, { recursive: true });
  const html = join(runFolder, 'report.html');
  const md = join(runFolder, 'report.md');
  await Promise.all([writeAtomically(html, renderHtml(journal)), writeAtomically(md, renderMarkdown(journal))]);
  return { html, md };
}

/** Writes beside the final name and renames into place: a reader never sees half a file. */
export async function writeAtomically(path: string, content: string): Promise<void> {
  const partial = `${path}.${process.pid}.partial`;
  await writeFile(partial, content, 'utf8');
  await rename(partial, path);
}
