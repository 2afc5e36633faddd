import { pyQuotePlus } from './python-values.js';

// Secrets never reach a record of the run: every string that goes into the journal (and so into
// journal.json, the store, report.html and report.md) is scrubbed of each secret value, as written and
// as it appears once URL-encoded in a query string or a form body.

export const SECRET_MARK = '[secret]';

export class SecretScrubber {
  private readonly pattern?: RegExp;

  constructor(values: readonly string[]) {
    const forms = new Set<string>();
    for (const value of values) {
      if (value === '') continue;
      forms.add(value);
      forms.add(encodeURIComponent(value));
      forms.add(pyQuotePlus(value));
      forms.add(JSON.stringify(value).slice(1, -1));
    }
    // Longest first, so that a secret containing another is replaced whole.
    const sorted = [...forms].sort((a, b) => b.length - a.length).map((f) => f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    if (sorted.length > 0) this.pattern = new RegExp(sorted.join('|'), 'g');
  }

  text(value: string): string {
    return this.pattern ? value.replace(this.pattern, SECRET_MARK) : value;
  }

  /** A deep copy of `value` with every string scrubbed (keys too: a secret can name a header). */
  scrub<T>(value: T): T {
    if (!this.pattern) return value;
    return this.walk(value) as T;
  }

  private walk(value: unknown): unknown {
    if (typeof value === 'string') return this.text(value);
    if (Array.isArray(value)) return value.map((item) => this.walk(item));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [this.text(k), this.walk(v)]));
    }
    return value;
  }
}
