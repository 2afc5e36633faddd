import type { Rule } from '../rule.js';
import { actionItems } from './action-items.js';
import { beCareful } from './be-careful.js';
import { fiveWhys } from './five-whys.js';
import { hindsight } from './hindsight.js';
import { humanError } from './human-error.js';
import { judgement } from './judgement.js';
import { notACoe } from './not-a-coe.js';
import { personAsCause } from './person-as-cause.js';
import { emptySection, missingSection } from './sections.js';

// Every rule of `gameday coe check`, in the order docs/coe.md explains them. The check, the docs test and
// the benchmark read this list; adding a rule is one file and one line here.
export const coeRules: readonly Rule[] = [
  humanError,
  personAsCause,
  judgement,
  hindsight,
  beCareful,
  notACoe,
  missingSection,
  emptySection,
  fiveWhys,
  actionItems,
];
