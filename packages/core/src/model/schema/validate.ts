import { InvalidFieldError } from '../../errors/concord-error.js';
import type { CompiledSchema } from './define.js';
import type { FieldSpec } from './types.js';

const DEFAULT_MAX_STRING = 10_000;
const DEFAULT_MAX_TEXT = 100_000;
const DEFAULT_MAX_MEMBER = 200;
const MAX_USER_ID = 256;
/** The built-in fields a patch may give, and their types. */
const BUILT_IN_TYPES: Readonly<Record<string, 'string' | 'boolean'>> = { title: 'string', description: 'string', completed: 'boolean' };
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Why a register's value does not fit its field, or null when it does. Used for what the API is given and for what other replicas wrote. */
export function registerValueProblem(spec: FieldSpec, value: unknown): string | null {
  switch (spec.type) {
    case 'string':
      if (typeof value !== 'string') return 'not a string';
      return value.length > (spec.maxLength ?? DEFAULT_MAX_STRING) ? `longer than ${spec.maxLength ?? DEFAULT_MAX_STRING}` : null;
    case 'user':
      if (typeof value !== 'string' || value.length === 0) return 'not a user id (a non-empty string)';
      return value.length > MAX_USER_ID ? `longer than ${MAX_USER_ID}` : null;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return 'not a finite number';
      if (spec.integer && !Number.isInteger(value)) return 'not an integer';
      if (spec.min !== undefined && value < spec.min) return `less than ${spec.min}`;
      return spec.max !== undefined && value > spec.max ? `more than ${spec.max}` : null;
    case 'boolean':
      return typeof value === 'boolean' ? null : 'not a boolean';
    case 'date':
      return typeof value === 'string' && isCalendarDate(value) ? null : 'not a date (YYYY-MM-DD)';
    case 'enum':
      return typeof value === 'string' && spec.values.includes(value) ? null : `not one of ${spec.values.join(', ')}`;
    default:
      return `a ${spec.type} field holds no single value`;
  }
}

/** Why a set member does not fit, or null. */
export function memberProblem(spec: FieldSpec & { type: 'set' }, member: unknown): string | null {
  if (typeof member !== 'string' || member.length === 0) return 'a member is not a non-empty string';
  const max = spec.maxLength ?? DEFAULT_MAX_MEMBER;
  return member.length > max ? `a member is longer than ${max}` : null;
}

/**
 * Checks every declared field a create or update gives, before anything is written: a bad value throws
 * `InvalidFieldError` and the whole patch is refused, so nothing is half applied.
 */
export function checkPatch(schema: CompiledSchema, patch: Readonly<Record<string, unknown>>): void {
  for (const [name, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const builtIn = BUILT_IN_TYPES[name];
    if (builtIn !== undefined) {
      if (typeof value !== builtIn) throw new InvalidFieldError(name, `not a ${builtIn}`);
      continue;
    }
    const spec = schema.fields.get(name);
    if (!spec) throw new InvalidFieldError(name, 'no such field in the schema');
    const problem = patchValueProblem(spec, value);
    if (problem) throw new InvalidFieldError(name, problem);
  }
}

function patchValueProblem(spec: FieldSpec, value: unknown): string | null {
  switch (spec.type) {
    case 'text':
      if (typeof value !== 'string') return 'not a string';
      return value.length > (spec.maxLength ?? DEFAULT_MAX_TEXT) ? `longer than ${spec.maxLength ?? DEFAULT_MAX_TEXT}` : null;
    case 'set': {
      const change = setChange(value);
      if (!change) return 'not an array of strings nor { add?, remove? }';
      for (const member of [...(change.add ?? []), ...(change.remove ?? [])]) {
        const problem = memberProblem(spec, member);
        if (problem) return problem;
      }
      return null;
    }
    case 'counter': {
      const amount = typeof value === 'object' && value !== null ? (value as { increment?: unknown }).increment : value;
      return typeof amount === 'number' && Number.isSafeInteger(amount) ? null : 'not an integer nor { increment: integer }';
    }
    default:
      return value === null ? null : registerValueProblem(spec, value);
  }
}

/** A set patch as a change: an array is the whole new set (what it lacks is removed), else `{ add, remove }`. */
export function setChange(value: unknown): { readonly add?: readonly unknown[]; readonly remove?: readonly unknown[]; readonly whole?: boolean } | null {
  if (Array.isArray(value)) return { add: value, whole: true };
  if (typeof value !== 'object' || value === null) return null;
  const { add, remove } = value as { add?: unknown; remove?: unknown };
  if ((add !== undefined && !Array.isArray(add)) || (remove !== undefined && !Array.isArray(remove))) return null;
  return { ...(add !== undefined && { add: add as unknown[] }), ...(remove !== undefined && { remove: remove as unknown[] }) };
}

function isCalendarDate(value: string): boolean {
  const match = DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
