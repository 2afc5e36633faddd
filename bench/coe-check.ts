// `npm run bench -- coe-check`: how well `gameday coe check` tells blame from blameless writing, measured
// on bench/coe-check/labelled.yaml (sentences from published postmortems and blameless rewrites of them).
// Each sentence is placed where its label says it sits in a COE (a paragraph, a why, an action item) and
// checked; a (sentence, rule) pair is a hit when the rule fired and was expected. Beside it, the same word
// lists matched as bare keywords, to show what reading the grammar buys.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { checkCoeText } from '../src/coe/check.js';
import { humanErrorPhrases, judgementPhrases, judgementWords } from '../src/coe/lexicon.js';
import type { Benchmark, BenchmarkResult } from './harness.js';

interface Labelled {
  id: string;
  text: string;
  in: 'prose' | 'why' | 'action';
  expect: string[];
  source?: { name: string; url: string };
  'rewrite-of'?: string;
  set?: 'second';
}

const target = 0.9;
const placed: Record<Labelled['in'], (text: string) => string> = {
  prose: (text) => `## Summary\n\n${text}\n`,
  why: (text) => `## Five whys\n\n1. ${text}\n`,
  action: (text) => `## Action items\n\n- ${text}\n`,
};

/** The rule names (without `blame/`) that fired on one labelled sentence. */
function fired(item: Labelled): Set<string> {
  const findings = checkCoeText(placed[item.in](item.text), `${item.id}.md`);
  return new Set(findings.filter((f) => f.rule.startsWith('blame/')).map((f) => f.rule.slice('blame/'.length)));
}

/** The baseline: the same word lists as keywords, anywhere, with no notion of negation, quotes or subjects. */
function keywords(item: Labelled): Set<string> {
  const text = ` ${item.text.toLowerCase().replace(/[’']/g, '').replace(/[^a-z0-9 ]+/g, ' ')} `.replace(/\s+/g, ' ');
  const has = (phrase: string) => text.includes(` ${phrase} `);
  const found = new Set<string>();
  if (humanErrorPhrases.some(has)) found.add('human-error');
  if ([...Object.keys(judgementWords), ...Object.keys(judgementPhrases)].some(has)) found.add('judgement');
  if (['should have', 'could have', 'failed to', 'missed', 'overlooked'].some(has)) found.add('hindsight');
  if (item.in === 'action' && ['careful', 'remind', 'retrain', 'training', 'double check', 'doublecheck'].some(has)) found.add('be-careful');
  if (item.in === 'why' && /\b(engineer|operator|developer|technician|someone|somebody|nobody|no one|he|she|they)\b/.test(text)) found.add('person-as-cause');
  return found;
}

interface Score {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  misses: string[];
  falseAlarms: string[];
}

function score(items: Labelled[], classify: (item: Labelled) => Set<string>): Score & { byRule: Map<string, Score> } {
  const total: Score = { truePositives: 0, falsePositives: 0, falseNegatives: 0, misses: [], falseAlarms: [] };
  const byRule = new Map<string, Score>();
  const bucket = (rule: string) => byRule.get(rule) ?? byRule.set(rule, { truePositives: 0, falsePositives: 0, falseNegatives: 0, misses: [], falseAlarms: [] }).get(rule)!;
  for (const item of items) {
    const got = classify(item);
    const want = new Set(item.expect);
    for (const rule of new Set([...got, ...want])) {
      const b = bucket(rule);
      if (got.has(rule) && want.has(rule)) {
        total.truePositives++;
        b.truePositives++;
      } else if (got.has(rule)) {
        total.falsePositives++;
        b.falsePositives++;
        total.falseAlarms.push(`${item.id} (${item.in}): ${rule} fired on "${item.text}"`);
      } else {
        total.falseNegatives++;
        b.falseNegatives++;
        total.misses.push(`${item.id} (${item.in}): ${rule} expected on "${item.text}"`);
      }
    }
  }
  return { ...total, byRule };
}

const precision = (s: Score) => (s.truePositives + s.falsePositives === 0 ? 1 : s.truePositives / (s.truePositives + s.falsePositives));
const recall = (s: Score) => (s.truePositives + s.falseNegatives === 0 ? 1 : s.truePositives / (s.truePositives + s.falseNegatives));

export const coeCheckBenchmark: Benchmark = async (): Promise<BenchmarkResult> => {
  const items = parse(readFileSync(join(process.cwd(), 'bench/coe-check/labelled.yaml'), 'utf8')) as Labelled[];
  const started = performance.now();
  const ours = score(items, fired);
  const seconds = (performance.now() - started) / 1000;
  const naive = score(items, keywords);
  const originals = items.filter((i) => !i['rewrite-of']).length;
  const second = items.filter((i) => i.set === 'second');
  const first = score(items.filter((i) => i.set !== 'second'), fired);
  const later = score(second, fired);

  console.error(`coe-check: ${items.length} sentences (${originals} quoted from published sources, ${items.length - originals} blameless rewrites), ${ours.truePositives + ours.falseNegatives} expected findings`);
  for (const [rule, s] of [...ours.byRule].sort()) {
    console.error(`  blame/${rule.padEnd(16)} precision ${precision(s).toFixed(2)}  recall ${recall(s).toFixed(2)}  (${s.truePositives} hit, ${s.falsePositives} false alarm, ${s.falseNegatives} missed)`);
  }
  console.error(
    `  first part (${items.length - second.length}, the rules were developed on it): precision ${precision(first).toFixed(2)} recall ${recall(first).toFixed(2)}; ` +
      `second part (${second.length}, labelled before the rules first saw it; that first run: precision 0.57 recall 0.67): precision ${precision(later).toFixed(2)} recall ${recall(later).toFixed(2)}`,
  );
  console.error(ours.misses.length ? `misses:\n  ${ours.misses.join('\n  ')}` : 'misses: none');
  console.error(ours.falseAlarms.length ? `false alarms:\n  ${ours.falseAlarms.join('\n  ')}` : 'false alarms: none');

  const figure = (name: string, value: number, baseline: number) => ({
    benchmark: 'coe-check',
    figure: name,
    ours: value,
    baselineName: 'keywords',
    baseline,
    ratio: null,
    target: `≥ ${target.toFixed(2)}`,
    met: value >= target,
  });
  return {
    name: 'coe-check',
    setup: `${items.length} labelled sentences (bench/coe-check/labelled.yaml), each checked in its place (paragraph, why, action item); blame/ rules only; baseline: the same word lists as bare keywords; ${((items.length / seconds) | 0).toLocaleString('en-US')} sentences/s`,
    figures: [
      figure('precision (blame/ findings)', precision(ours), precision(naive)),
      figure('recall (blame/ findings)', recall(ours), recall(naive)),
    ],
    details: {
      byRule: Object.fromEntries([...ours.byRule].map(([rule, s]) => [`blame/${rule}`, { precision: precision(s), recall: recall(s), ...s, misses: undefined, falseAlarms: undefined }])),
      misses: ours.misses,
      falseAlarms: ours.falseAlarms,
    },
  };
};
