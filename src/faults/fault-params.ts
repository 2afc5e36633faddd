import { z } from 'zod';
import { duration, percentage, rate } from '../units/units-schema.js';
import type { FaultDefinition } from './fault.js';

// A fault's params may have any zod shape that a step can write flat beside `kind`, `target` and `duration`:
// an object, or a union (discriminated or not) of objects — its forms. The experiment schema extends each
// form with the step's own fields, and the docs table (`gameday faults --markdown`) lists every parameter
// with its type, default and meaning, both from the same forms. The registry runs checkFaultKinds when it
// is read, so a kind that either could not express stops the program at startup instead of vanishing from
// the schema while `gameday faults` still lists it.

/** The step's own fields: a kind's params may not use them. (`duration` may be a kind's own: cpu-stress.) */
const STEP_FIELDS = ['kind', 'target'];

/** One row of a kind's parameter table; a field of a mapping parameter is its own row, `match.path`. */
export interface FaultParameter {
  name: string;
  /** As a person reads it: `duration`, `integer`, `upstream | downstream`, `mapping` … */
  type: string;
  required: boolean;
  default?: unknown;
  meaning: string;
}

/** The ways a step may write the params: one form for an object, one per member of a union. */
export function paramForms(params: z.ZodType): z.ZodObject[] {
  if (params instanceof z.ZodObject) return [params];
  if (params instanceof z.ZodUnion) return (params.options as z.ZodType[]).flatMap(paramForms);
  throw new Error(
    `its params are a zod ${params.def.type}; a step writes them flat beside kind and target, so they must be an object or a union of objects`,
  );
}

interface JsonSchema {
  type?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
}

const toJson = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'throw' }) as JsonSchema;

/** A unit is recognised by its JSON Schema less the words a parameter may put on it. */
function bare(json: JsonSchema): string {
  const { description: _d, default: _default, $schema: _s, ...rest } = json as JsonSchema & { $schema?: string };
  return JSON.stringify(rest);
}
const units = [
  { name: 'duration', json: toJson(duration) },
  { name: 'percentage', json: toJson(percentage) },
  { name: 'rate', json: toJson(rate) },
].map((unit) => ({ ...unit, bare: bare(unit.json) }));

function typeName(json: JsonSchema): string | undefined {
  const unit = units.find((candidate) => candidate.bare === bare(json));
  if (unit) return unit.name;
  if (json.enum) return json.enum.map((value) => String(value)).join(' | ');
  if (json.const !== undefined) return JSON.stringify(json.const);
  const members = json.anyOf ?? json.oneOf;
  if (members) {
    const names = members.map(typeName);
    return names.every((name) => name !== undefined) ? [...new Set(names)].join(' | ') : undefined;
  }
  if (json.type === 'object') return 'mapping';
  if (json.type === 'array') {
    const item = json.items && typeName(json.items);
    return item === undefined ? undefined : `list of ${item}`;
  }
  return ['string', 'number', 'integer', 'boolean'].includes(json.type ?? '') ? json.type : undefined;
}

/** The rows of one form, or the reasons it cannot be a table (a parameter without a type name or a meaning). */
function rowsOf(json: JsonSchema, prefix: string, problems: string[]): FaultParameter[] {
  return Object.entries(json.properties ?? {}).flatMap(([key, property]) => {
    const name = `${prefix}${key}`;
    const type = typeName(property);
    if (type === undefined) problems.push(`parameter ${name} has a type the docs table cannot name: ${JSON.stringify(property)}`);
    const unit = units.find((candidate) => candidate.name === type);
    const meaning = property.description;
    if (!meaning) problems.push(`parameter ${name} has no description (give it .meta({ description }): the docs say what it means)`);
    else if (unit && meaning === unit.json.description) problems.push(`parameter ${name} has only the description of its unit (${type}); say what it means`);
    const row: FaultParameter = { name, type: type ?? '?', required: json.required?.includes(key) ?? false, meaning: meaning ?? '' };
    if (property.default !== undefined) row.default = property.default;
    return [row, ...(property.type === 'object' ? rowsOf(property, `${name}.`, problems) : [])];
  });
}

function describeForms(definition: FaultDefinition<unknown>, problems: string[]): FaultParameter[][] {
  let forms: z.ZodObject[];
  try {
    forms = paramForms(definition.params);
  } catch (error) {
    problems.push((error as Error).message);
    return [];
  }
  return forms.map((form) => {
    let json: JsonSchema;
    try {
      json = toJson(form);
    } catch (error) {
      problems.push(`its params cannot be written in JSON Schema: ${(error as Error).message}`);
      return [];
    }
    for (const field of STEP_FIELDS) if (json.properties?.[field]) problems.push(`parameter ${field} is a field of every fault step; name it otherwise`);
    return rowsOf(json, '', problems);
  });
}

/** The parameter table of a kind, one list of rows per form (the registry has checked that it can be made). */
export function faultParameters(definition: FaultDefinition<unknown>): FaultParameter[][] {
  return describeForms(definition, []);
}

/** A form named by the parameters it needs (all of them when none is required): `{ pull }`. */
export function formName(rows: readonly FaultParameter[]): string {
  const top = rows.filter((row) => !row.name.includes('.'));
  const needed = top.filter((row) => row.required);
  return `{ ${(needed.length > 0 ? needed : top).map((row) => row.name).join(', ')} }`;
}

/**
 * Refuses (throws) a list of definitions that the experiment schema, `gameday faults` or the docs could not
 * express, naming every kind at fault and why. Run when the registry is read: a broken kind stops startup.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function checkFaultKinds(definitions: readonly FaultDefinition<any>[]): readonly FaultDefinition<any>[] {
  const refusals: string[] = [];
  const seen = new Map<string, string>();
  for (const definition of definitions) {
    const problems: string[] = [];
    if (!/^[a-z][a-z0-9-]*$/.test(definition.kind)) problems.push('its kind must be lower-case letters, digits and -');
    if (seen.has(definition.kind)) problems.push('another definition has the same kind');
    if (!definition.summary?.trim()) problems.push('it has no summary');
    if (!definition.targetKind?.trim()) problems.push('it names no target kind');
    const key = definition.step?.key;
    if (key !== undefined) {
      if (!/^[a-z][a-z-]*$/.test(key)) problems.push(`its step key "${key}" must be lower-case letters and -`);
      const other = seen.get(`step:${key}`);
      if (other) problems.push(`its step key "${key}" is already the step of ${other}`);
      seen.set(`step:${key}`, definition.kind);
    }
    seen.set(definition.kind, definition.kind);
    describeForms(definition, problems);
    if (problems.length > 0) refusals.push(`fault kind "${definition.kind}" is refused: ${problems.join('; ')}`);
  }
  if (refusals.length > 0) throw registryRefused(refusals);
  return definitions;
}

/** The one error a refused registry throws: every refusal on its own line, each naming its kind. */
export function registryRefused(refusals: readonly string[]): Error {
  return new Error(`the fault registry cannot be used:\n  ${refusals.join('\n  ')}`);
}
