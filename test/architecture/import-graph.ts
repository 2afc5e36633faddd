// Our own small reader of the import statements of src/: which file imports which. It reads static
// `import … from`, `export … from`, side-effect `import '…'` and dynamic `import('…')`, type-only imports
// included (a type import still says which layer knows about which). Only relative specifiers are
// followed; packages are not part of the graph.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** File → the files it imports, both as paths relative to the root given to readImportGraph. */
export type ImportGraph = Map<string, string[]>;

const FROM = /^\s*(?:import|export)\s[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/gm;
const BARE = /^\s*import\s*['"]([^'"]+)['"]/gm;
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

export function readImportGraph(root: string, folder = 'src'): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const file of tsFiles(join(root, folder))) {
    const source = readFileSync(file, 'utf8');
    const targets = new Set<string>();
    for (const pattern of [FROM, BARE, DYNAMIC]) {
      for (const match of source.matchAll(pattern)) {
        const target = resolveSpecifier(file, match[1]);
        if (target) targets.add(relative(root, target));
      }
    }
    graph.set(relative(root, file), [...targets].sort());
  }
  return graph;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return entry.endsWith('.ts') && !entry.endsWith('.d.ts') ? [path] : [];
  });
}

/** `./x.js` names the source `./x.ts` (NodeNext); a folder import names its index. */
function resolveSpecifier(from: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const base = resolve(dirname(from), specifier);
  const candidates = [base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts')];
  return candidates.find((candidate) => candidate.endsWith('.ts') && existsSync(candidate)) ?? null;
}

/**
 * Every import cycle, one per strongly connected group of files (Tarjan), each written as the path that
 * closes it: [a, b, c, a]. Empty when the imports point one way.
 */
export function findCycles(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const groups: string[][] = [];
  let next = 0;
  const visit = (node: string): void => {
    index.set(node, next);
    low.set(node, next);
    next++;
    stack.push(node);
    onStack.add(node);
    for (const to of graph.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) {
        low.set(node, Math.min(low.get(node)!, index.get(to)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        group.push(member);
      } while (member !== node);
      if (group.length > 1 || (graph.get(node) ?? []).includes(node)) groups.push(group);
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return groups.map((group) => closingPath(graph, group));
}

/** The shortest path from the group's first file (by name) back to itself, inside the group. */
function closingPath(graph: ImportGraph, group: string[]): string[] {
  const members = new Set(group);
  const start = [...group].sort()[0];
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const to of graph.get(node) ?? []) {
      if (!members.has(to)) continue;
      if (to === start) {
        const path = [start];
        for (let at = node; at !== start; at = cameFrom.get(at)!) path.splice(1, 0, at);
        return [...path, start];
      }
      if (!cameFrom.has(to)) {
        cameFrom.set(to, node);
        queue.push(to);
      }
    }
  }
  return [...group, group[0]];
}
