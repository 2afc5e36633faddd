import { readFileSync } from 'node:fs';

// An experiment file can say which demo world it needs, in a comment line the engine ignores (the way
// `# yaml-language-server: $schema=…` configures an editor), so the same file stays valid for `gameday run`:
//
//   # gameday-demo: assembler-timeouts=off
//
// Settings: `assembler-timeouts=on|off` (off: the naive assembler, no timeouts, no circuit breakers).

export interface WorldVariant {
  naiveAssembler: boolean;
}

/** A bad `# gameday-demo:` line: exit 3, nothing started. */
export class WorldVariantError extends Error {}

const MODELINE = /^#\s*gameday-demo:\s*(.*)$/;

export function readWorldVariant(file: string): WorldVariant {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { naiveAssembler: false }; // the experiment loader reports an unreadable file with its own words
  }
  return parseWorldVariant(text, file);
}

export function parseWorldVariant(text: string, file: string): WorldVariant {
  const variant: WorldVariant = { naiveAssembler: false };
  for (const [index, line] of text.split('\n').entries()) {
    const match = MODELINE.exec(line.trim());
    if (!match) continue;
    const column = line.indexOf(match[1]) + 1;
    for (const setting of match[1].split(/[\s,]+/).filter(Boolean)) {
      const [key, value] = setting.split('=');
      if (key === 'assembler-timeouts' && (value === 'on' || value === 'off')) variant.naiveAssembler = value === 'off';
      else {
        throw new WorldVariantError(
          `${file}:${index + 1}:${column} gameday-demo: "${setting}" is not a world setting; expected assembler-timeouts=on or assembler-timeouts=off`,
        );
      }
    }
  }
  return variant;
}
