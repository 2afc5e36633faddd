// The sections of a COE, in the order a reader meets them, with the headings people give them and what
// each must hold. A heading is recognised by its words ("5 Whys", "The five whys", "Five whys (or more)"),
// so teams keep their own wording.

export type SectionKey = 'summary' | 'impact' | 'timeline' | 'metrics' | 'whys' | 'went-well' | 'lessons' | 'actions' | 'related';

export interface SectionDefinition {
  key: SectionKey;
  heading: string;
  /** Normalized headings (lower case, words only) that name this section. */
  names: string[];
  holds: string;
}

export const sectionDefinitions: readonly SectionDefinition[] = [
  { key: 'summary', heading: 'Summary', names: ['summary', 'executive summary', 'overview', 'what happened'], holds: 'what happened, in a few sentences a newcomer understands' },
  {
    key: 'impact',
    heading: 'Customer impact',
    names: ['customer impact', 'impact', 'user impact', 'customer and business impact', 'impact on customers'],
    holds: 'who was affected, how, and for how long, in measured numbers',
  },
  { key: 'timeline', heading: 'Timeline', names: ['timeline', 'incident timeline', 'sequence of events'], holds: 'the facts in order, with times: what the system did and what people did' },
  { key: 'metrics', heading: 'Metrics', names: ['metrics', 'measurements', 'graphs', 'data', 'slis'], holds: 'the SLIs and charts that show the trouble and the recovery' },
  {
    key: 'whys',
    heading: 'Five whys',
    names: ['five whys', '5 whys', 'whys', 'the five whys', 'five whys or more', 'root cause analysis', 'contributing factors'],
    holds: 'at least five whys, each answered by something the system did or allowed',
  },
  { key: 'went-well', heading: 'What went well', names: ['what went well', 'went well', 'what worked'], holds: 'what helped: alarms that fired, levers that held, people who knew where to look' },
  { key: 'lessons', heading: 'Lessons', names: ['lessons', 'lessons learned', 'lessons learnt', 'what we learned', 'learnings'], holds: 'what the team now knows that it did not know before' },
  {
    key: 'actions',
    heading: 'Action items',
    names: ['action items', 'actions', 'corrective actions', 'follow up actions', 'followup actions', 'follow ups'],
    holds: 'the changes the team commits to (listed with owner, due date, kind and state in the front matter)',
  },
  { key: 'related', heading: 'Related items', names: ['related items', 'related', 'related incidents', 'references', 'see also'], holds: 'other COEs, incidents, runs and documents (write "None." if there are none)' },
];

const byName = new Map(sectionDefinitions.flatMap((d) => d.names.map((name) => [name, d] as const)));

/** The section a heading names, if any: "## 3. The Five Whys" names `whys`. */
export function sectionOfHeading(heading: string): SectionDefinition | undefined {
  const words = heading
    .toLowerCase()
    .replace(/[^a-z0-9 ]+/g, ' ')
    .replace(/^\s*\d+\s+/, '')
    .trim()
    .replace(/\s+/g, ' ');
  return byName.get(words) ?? byName.get(words.replace(/^the /, ''));
}
