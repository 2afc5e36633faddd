// The words the blame rules know, in one place so that docs/coe.md and the labelled benchmark can be read
// against them. Every entry is normalized the way nlcst-normalize does it (lower case, no apostrophes or
// hyphens: "didn't" is "didnt", "on-call" is "oncall"). Phrases are matched with nlcst-search, so a space
// means "the next word".

/** Nouns that name a person by role. A phrase whose head is one of these is a person. */
export const roleNouns = new Set([
  'engineer', 'engineers', 'operator', 'operators', 'developer', 'developers', 'dev', 'devs', 'admin', 'admins',
  'administrator', 'administrators', 'sysadmin', 'sysadmins', 'technician', 'technicians', 'employee', 'employees',
  'contractor', 'contractors', 'staff', 'staffer', 'person', 'human', 'humans', 'individual', 'intern', 'interns',
  'oncall', 'sre', 'sres', 'dba', 'dbas', 'reviewer', 'reviewers', 'approver', 'approvers', 'member', 'members',
  'teammember', 'worker', 'workers', 'programmer', 'programmers', 'coder', 'coders', 'analyst', 'analysts',
  'tester', 'testers', 'responder', 'responders', 'customer', 'customers', 'user', 'users', 'manager', 'managers',
  'architect', 'architects', 'colleague', 'colleagues', 'newcomer', 'newcomers', 'facilitator', 'facilitators',
  'scribe', 'scribes', 'commander', 'commanders',
]);

/** Words that stand for an unnamed person. */
export const someoneWords = new Set(['someone', 'somebody', 'anyone', 'anybody', 'nobody', 'noone', 'everyone', 'everybody']);

/** Pronouns that point at one person (not "we", "they": a team or a system may be meant). */
export const personPronouns = new Set(['he', 'she', 'him', 'her', 'i', 'me']);

/** Subjects that make hindsight ("should have", "failed to") about people rather than about a system. */
export const hindsightPronouns = new Set([...personPronouns, 'we', 'they', 'you', 'us', 'team', 'teams']);

/** "Operator error" and its variants: a label that ends the inquiry. */
export const humanErrorPhrases = [
  'human error', 'human errors', 'operator error', 'operator errors', 'user error', 'user errors', 'pilot error',
  'engineer error', 'engineering error', 'operational error', 'operations error', 'personnel error', 'staff error',
  'admin error', 'administrator error', 'manual error', 'human mistake', 'human mistakes', 'operator mistake',
  'operator mistakes', 'engineer mistake', 'engineer mistakes', 'mistakes by engineers', 'mistake by an engineer',
  'mistake by the engineer', 'mistakes by operators', 'mistake by an operator', 'mistake by the operator',
  'human failure', 'operator failure', 'fat finger', 'fat fingers', 'fatfingered', 'fatfinger', 'finger trouble',
  'pebkac', 'pebcak', 'id10t', 'layer 8 problem', 'layer 8 issue', 'layer 8 error', 'human factor',
];

/** Words before "operator error" (in its clause) that make it something to withstand, not a cause. */
export const withstandWords = new Set([
  'reduce', 'reduces', 'reducing', 'prevent', 'prevents', 'preventing', 'avoid', 'avoids', 'tolerate', 'tolerates',
  'tolerating', 'resist', 'resists', 'resilient', 'resilience', 'against', 'survive', 'survives', 'absorb', 'absorbs',
  'catch', 'catches', 'harmless', 'mitigate', 'mitigates', 'eliminate', 'eliminates', 'withstand', 'withstands',
  'proof', 'forgiving',
]);

/** Judgements of a person's character or care, with what to write instead. */
export const judgementWords: Record<string, string> = {
  careless: 'describe what the person saw and knew at the time, and what made the step easy to get wrong',
  carelessly: 'describe the step as it happened, and what made it easy to get wrong',
  carelessness: 'name the condition that made the slip likely (a prompt that looks the same for every host, no dry run …)',
  negligent: 'say which safeguard was missing; people act on what the system shows them',
  negligence: 'say which safeguard was missing; people act on what the system shows them',
  neglected: 'say that the step was not done and what in the system depended on someone remembering it',
  sloppy: 'describe the work product and what would have caught the defect (a test, a linter, a review tool)',
  lazy: 'describe the trade-off the person faced (time, tooling) instead of their character',
  laziness: 'describe the trade-off the person faced (time, tooling) instead of their character',
  reckless: 'describe what the person expected to happen and why that expectation was reasonable then',
  recklessly: 'describe what the person expected to happen and why that expectation was reasonable then',
  incompetent: 'say what knowledge the task needed and how the system offers it',
  incompetence: 'say what knowledge the task needed and how the system offers it',
  inattentive: 'say what competed for attention and what would have made the signal stand out',
  inattention: 'say what competed for attention and what would have made the signal stand out',
  irresponsible: 'describe the decision and the information it was made with',
  erroneously: 'describe the decision and the information it was made with',
  forgot: 'say what was not done and what relied on memory: "the runbook had no step for X"',
  forgotten: 'say what was not done and what relied on memory: "the runbook had no step for X"',
  forgets: 'say what is not done and what relies on memory',
  blunder: 'describe the action and its effect plainly',
  dumb: 'describe the defect and what would have caught it (a test, a check, a review tool)',
  stupid: 'describe the defect and what would have caught it (a test, a check, a review tool)',
  silly: 'describe the defect and what would have caught it (a test, a check, a review tool)',
  botched: 'describe the action and its effect plainly',
};

/** Multi-word judgements. */
export const judgementPhrases: Record<string, string> = {
  'didnt bother': 'say what was skipped and what made skipping it reasonable at the time (time pressure, a slow tool)',
  'did not bother': 'say what was skipped and what made skipping it reasonable at the time (time pressure, a slow tool)',
  'more careful': 'name the check the system should make instead of asking people for more care',
  'be careful': 'name the check the system should make instead of asking people for care',
  'not paying attention': 'say what competed for attention and what would have made the signal stand out',
  'didnt pay attention': 'say what competed for attention and what would have made the signal stand out',
  'did not pay attention': 'say what competed for attention and what would have made the signal stand out',
  'screwed up': 'describe the action and its effect plainly',
};

/** Verbs that judge a person only when a person is their subject ("the client ignored the header" is fine). */
export const personJudgementVerbs: Record<string, string> = {
  ignored: 'say what the signal looked like among the others, and what would have made it stand out',
  ignores: 'say what the signal looks like among the others, and what would make it stand out',
};

/** Hindsight verbs that count only with a person as subject. */
export const personHindsightVerbs = new Set(['missed', 'overlooked']);

/** Participles that make a passive "should have been …" a hindsight judgement about people's work. */
export const humanActivityParticiples = new Set([
  'caught', 'noticed', 'spotted', 'seen', 'tested', 'reviewed', 'checked', 'doublechecked', 'verified', 'validated',
  'prevented', 'avoided', 'known', 'detected', 'found', 'escalated', 'reported', 'followed', 'done', 'stopped',
]);

/** Things a procedure is called; "did not follow the runbook" is hindsight about a person. */
export const procedureNouns = new Set(['procedure', 'procedures', 'process', 'processes', 'runbook', 'runbooks', 'playbook', 'playbooks', 'policy', 'policies', 'protocol', 'protocols', 'checklist', 'instructions', 'guidelines']);

/** Negation cues (normalized). "nt" forms come from contractions such as "wasn't". */
export const negations = new Set([
  'not', 'no', 'never', 'nor', 'neither', 'without', 'cannot', 'none', 'nobody', 'noone', 'isnt', 'wasnt', 'arent', 'werent', 'dont',
  'doesnt', 'didnt', 'hasnt', 'havent', 'hadnt', 'cant', 'couldnt', 'wouldnt', 'shouldnt', 'wont', 'aint',
]);
/** Verbs that deny what their "that" clause says ("the contractors denied that any human error …"). */
export const denialVerbs = new Set(['deny', 'denies', 'denied', 'refute', 'refutes', 'refuted', 'dispute', 'disputes', 'disputed', 'reject', 'rejects', 'rejected', 'doubt', 'doubts', 'doubted']);

/** Words after "human error" (in its sentence) that make it a condition to design for, not a cause. */
export const givenWords = new Set(['inevitable', 'inevitably', 'unavoidable', 'risk', 'eliminated', 'happens', 'happen', 'expected']);

/** Two-word negation cues ("rather than human error"). */
export const negationPairs = [['rather', 'than'], ['instead', 'of'], ['far', 'from'], ['other', 'than'], ['not', 'just']] as const;

export const copulas = new Set(['is', 'was', 'are', 'were', 'be', 'been', 'being', 'isnt', 'wasnt', 'arent', 'werent']);

/** Words that end a clause: negation and subjects do not reach across them. */
export const clauseBreakWords = new Set(['and', 'but', 'however', 'although', 'though', 'whereas', 'yet', 'while', 'so', 'because', 'which', 'that', 'who']);

/** Words after which the next noun phrase is named as the cause. */
export const causeMarkers = [
  'because of', 'due to', 'caused by', 'result of', 'resulted from', 'triggered by', 'blamed on', 'attributed to',
  'fault of', 'down to', 'traced to', 'traced back to', 'identified as', 'determined to be', 'thanks to',
];

/** Verbs whose subject is named as the cause ("the engineer broke checkout"). */
export const causeVerbPhrases = [
  'caused', 'causes', 'broke', 'breaks', 'took down', 'takes down', 'brought down', 'brings down', 'knocked out',
  'is responsible for', 'was responsible for', 'were responsible for', 'is to blame', 'was to blame', 'were to blame',
];

/** Words that name the cause itself, followed by ":" / "is" / "was" and the cause. */
export const causeNouns = new Set(['cause', 'causes', 'culprit']);

/** Action items whose main verb is one of these only ask people to behave differently. */
export const peopleOnlyVerbs = new Set([
  'remind', 'retrain', 'train', 'educate', 'reeducate', 'coach', 'caution', 'doublecheck', 'recheck', 'emphasize',
  'emphasise', 'stress', 'reinforce', 'discipline', 'reprimand', 'pay', 'think', 'try',
]);

/** Verbs that ask people only when a person is their object ("ask engineers to …", not "ask for confirmation"). */
export const askVerbs = new Set(['ask', 'tell', 'instruct', 'encourage', 'urge', 'warn', 'advise', 'require']);

/** Nouns that make "send / hold / give …" an ask of people rather than a change to the system. */
export const peopleOnlyObjects = new Set(['reminder', 'reminders', 'training', 'retraining', 'refresher', 'awareness', 'lecture', 'talk', 'memo', 'warning', 'warnings']);
export const peopleOnlyCarriers = new Set(['send', 'hold', 'give', 'run', 'schedule', 'do', 'organize', 'organise', 'provide', 'share', 'issue', 'conduct', 'raise', 'increase', 'improve']);

/** Adjectives in "be (more) careful" and kin: asks of people. */
export const careAdjectives = new Set(['careful', 'vigilant', 'mindful', 'aware', 'cautious', 'thorough', 'diligent', 'attentive', 'alert']);
