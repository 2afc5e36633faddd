import assert from 'node:assert/strict';
import { test } from 'node:test';
import { repoRoot } from '../cli-process.js';
import { findCycles, readImportGraph, type ImportGraph } from './import-graph.js';

// Layers that point one way: the core never reaches back into the CLI, and no two modules need each
// other. Read from the TypeScript sources, so a new cycle fails `npm test` with its path named.

interface LayerRule {
  /** Files under this folder … */
  from: string;
  /** … must not import files under this folder. */
  mustNotImport: string;
  /** Unless they are under this one (the layer's own files). */
  except?: string;
  why: string;
}

const rules: LayerRule[] = [
  { from: 'src/', mustNotImport: 'src/cli/', except: 'src/cli/', why: 'the CLI is the outermost edge: it calls the core, never the other way round' },
  { from: 'src/faults/', mustNotImport: 'src/experiment/', why: 'fault kinds are read by the engine; they do not know it' },
  { from: 'src/units/', mustNotImport: 'src/experiment/', why: 'units are shared by every capability' },
  { from: 'src/control-plane/', mustNotImport: 'src/experiment/', why: 'the control-plane edge is shared by every component and the engine' },
];

function brokenRules(graph: ImportGraph): string[] {
  const broken: string[] = [];
  for (const [file, imports] of graph) {
    for (const rule of rules) {
      if (!file.startsWith(rule.from) || (rule.except && file.startsWith(rule.except))) continue;
      for (const target of imports.filter((to) => to.startsWith(rule.mustNotImport))) broken.push(`${file} imports ${target}: ${rule.why}`);
    }
  }
  return broken;
}

const source = readImportGraph(repoRoot);

test('the imports of src/ form no cycle', () => {
  const cycles = findCycles(source);
  assert.deepEqual(cycles.map((cycle) => `import cycle: ${cycle.join(' → ')}`), []);
});

test('nothing outside src/cli imports src/cli, and the layer rules hold', () => {
  assert.ok(source.size > 100, `expected to read the whole of src/, read ${source.size} files`);
  assert.deepEqual(brokenRules(source), []);
});

test('the cycle reader names a cycle of two files, a longer one and a self-import, and passes a one-way graph', () => {
  const graph: ImportGraph = new Map([
    ['src/a.ts', ['src/b.ts']],
    ['src/b.ts', ['src/a.ts', 'src/c.ts']],
    ['src/c.ts', ['src/d.ts']],
    ['src/d.ts', ['src/e.ts']],
    ['src/e.ts', ['src/c.ts']],
    ['src/f.ts', ['src/f.ts']],
    ['src/g.ts', ['src/a.ts']],
  ]);
  assert.deepEqual(findCycles(graph).sort(), [
    ['src/a.ts', 'src/b.ts', 'src/a.ts'],
    ['src/c.ts', 'src/d.ts', 'src/e.ts', 'src/c.ts'],
    ['src/f.ts', 'src/f.ts'],
  ]);
  assert.deepEqual(findCycles(new Map([['src/a.ts', ['src/b.ts']], ['src/b.ts', []]])), []);
});

test('the rules catch the core importing the CLI', () => {
  const graph: ImportGraph = new Map([
    ['src/experiment/run.ts', ['src/cli/command.ts']],
    ['src/cli/main.ts', ['src/cli/command.ts', 'src/experiment/run.ts']],
  ]);
  assert.deepEqual(brokenRules(graph), [`src/experiment/run.ts imports src/cli/command.ts: ${rules[0].why}`]);
});
