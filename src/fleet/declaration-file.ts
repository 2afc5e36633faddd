import { dirname, resolve } from 'node:path';
import { FileProblemsError, parseStructured, readUserFile, schemaProblems } from '../config/structured-file.js';
import { FleetDeclarationSchema, type FleetDeclaration } from './declaration.js';

// Reading a fleet declaration file (YAML, or JSON) for `gameday fleet`: the same schema as Fleet.start,
// every problem reported at once as `file:line:column field.path: message`.

export class FleetFileError extends FileProblemsError {}

export function loadFleetFile(file: string): FleetDeclaration {
  return parseFleetFile(readUserFile(file, FleetFileError), file);
}

export function parseFleetFile(text: string, file: string): FleetDeclaration {
  const doc = parseStructured(text, file, FleetFileError);
  const result = FleetDeclarationSchema.safeParse(doc.value, { reportInput: true });
  if (!result.success) throw new FleetFileError(schemaProblems(result.error.issues, file, doc.locate, 'see docs/fleet.md'));
  // Commands and working directories are relative to the file, so a declaration runs from anywhere.
  const base = dirname(resolve(file));
  const declaration = doc.value as FleetDeclaration;
  for (const service of declaration.services) service.cwd = resolve(base, service.cwd ?? '.');
  return declaration;
}
