// Chaos Toolkit's `regex` tolerance is Python's re.search(). JavaScript's RegExp reads most patterns the
// same way; what differs is translated here: named groups `(?P<name>…)` and `(?P=name)`, the anchors `\A`
// and `\Z`, inline flags at the start (`(?i)`, `(?s)`, `(?m)`, `(?x)` is refused), and `$`, which in
// Python also matches just before a final newline. A pattern JavaScript still cannot read is reported,
// with the reason, before anything runs.

export class PythonRegexError extends Error {}

export function compilePythonRegex(pattern: string): RegExp {
  let flags = '';
  let source = pattern;
  const inline = /^\(\?([aiLmsux]+)\)/.exec(source);
  if (inline) {
    if (inline[1].includes('x')) throw new PythonRegexError('verbose patterns ((?x)) are not supported; write the pattern on one line');
    if (inline[1].includes('i')) flags += 'i';
    if (inline[1].includes('m')) flags += 'm';
    if (inline[1].includes('s')) flags += 's';
    source = source.slice(inline[0].length);
  }
  const multiline = flags.includes('m');
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === '\\') {
      const next = source[i + 1] ?? '';
      i++;
      if (!inClass && next === 'A') out += '(?<![\\s\\S])';
      else if (!inClass && next === 'Z') out += '(?![\\s\\S])';
      else out += `\\${next}`;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      out += ch;
      continue;
    }
    if (ch === '[') {
      inClass = true;
      out += ch;
      // A `]` right after `[` or `[^` is a literal in Python; JavaScript needs it escaped.
      if (source[i + 1] === '^') {
        out += '^';
        i++;
      }
      if (source[i + 1] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    if (source.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
      continue;
    }
    if (source.startsWith('(?P=', i)) {
      const close = source.indexOf(')', i);
      out += `\\k<${source.slice(i + 4, close)}>`;
      i = close;
      continue;
    }
    // Python's `$` (without MULTILINE) also matches before a newline that ends the text.
    if (ch === '$' && !multiline) {
      out += '(?=\\n?(?![\\s\\S]))';
      continue;
    }
    out += ch;
  }
  try {
    return new RegExp(out, flags);
  } catch (error) {
    throw new PythonRegexError(`not a regular expression this tool can read: ${(error as Error).message.replace(/^Invalid regular expression: /, '')}`);
  }
}
