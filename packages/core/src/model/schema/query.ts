import { InvalidFieldError } from '../../errors/concord-error.js';

type Scalar = string | number | boolean;
/** The type of one member of `V` when it is an array (a set field's tags), else `V` itself. */
export type ArrayElement<V> = V extends readonly (infer E)[] ? E : V;

/**
 * A condition on one field. A bare value means equal; for a set field, that it holds the value. `null` means absent.
 * Absent values fail every comparison (`lt`, `gte`, ...) and pass `ne`.
 */
export type Condition<V> =
  | ArrayElement<V>
  | null
  | {
      readonly eq?: ArrayElement<V> | null;
      readonly ne?: ArrayElement<V> | null;
      readonly lt?: ArrayElement<V>;
      readonly lte?: ArrayElement<V>;
      readonly gt?: ArrayElement<V>;
      readonly gte?: ArrayElement<V>;
      readonly in?: readonly ArrayElement<V>[];
      /** A string field contains this substring; a set field holds this member. */
      readonly contains?: string;
      readonly exists?: boolean;
    };

/** Every condition must hold; or a predicate of the task. */
export type Where<T> = { readonly [K in keyof T]?: Condition<NonNullable<T[K]>> } | ((task: T) => boolean);

/** A field to sort by (ascending), or the field and its direction. */
export type OrderKey<T> = (keyof T & string) | { readonly field: keyof T & string; readonly direction?: 'asc' | 'desc' };

/** What `list.tasks(query)` and `list.subscribe(query, listener)` take. */
export interface TaskQuery<T> {
  readonly where?: Where<T>;
  /** Sort keys, first one first; absent values sort last either way; ties keep list order. Default: list order. */
  readonly orderBy?: OrderKey<T> | readonly OrderKey<T>[];
  readonly limit?: number;
}

const OPERATORS = new Set(['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'in', 'contains', 'exists']);

/**
 * Filters and sorts tasks in memory. The query is checked before any task is looked at: a field it names that the
 * tasks cannot have (`fields`) is an `InvalidFieldError`, not an empty result.
 */
export function runQuery<T extends object>(tasks: readonly T[], query: TaskQuery<T>, fields: ReadonlySet<string>): T[] {
  const { where, orderBy, limit } = query;
  const test = where === undefined ? null : typeof where === 'function' ? where : compileWhere(where as Record<string, unknown>, fields);
  let result = test ? tasks.filter(test) : [...tasks];
  if (orderBy !== undefined) {
    const keys = (Array.isArray(orderBy) ? orderBy : [orderBy]) as OrderKey<T>[];
    const compiled = keys.map((key) => {
      const { field, direction = 'asc' } = typeof key === 'string' ? { field: key } : key;
      if (!fields.has(field)) throw new InvalidFieldError(field, 'no such field to order by');
      return { field, sign: direction === 'desc' ? -1 : 1 };
    });
    // Array.prototype.sort is stable: ties keep the list's order.
    result = result.sort((a, b) => {
      for (const { field, sign } of compiled) {
        const order = compareValues((a as Record<string, unknown>)[field], (b as Record<string, unknown>)[field], sign);
        if (order !== 0) return order;
      }
      return 0;
    });
  }
  return limit === undefined ? result : result.slice(0, Math.max(0, limit));
}

function compileWhere<T>(where: Record<string, unknown>, fields: ReadonlySet<string>): (task: T) => boolean {
  const tests: Array<(task: Record<string, unknown>) => boolean> = [];
  for (const [field, condition] of Object.entries(where)) {
    if (!fields.has(field)) throw new InvalidFieldError(field, 'no such field to query');
    if (condition === undefined) continue;
    const test = compileCondition(field, condition);
    tests.push((task) => test(task[field]));
  }
  return (task) => tests.every((test) => test(task as Record<string, unknown>));
}

function compileCondition(field: string, condition: unknown): (value: unknown) => boolean {
  if (condition === null || typeof condition !== 'object' || Array.isArray(condition)) return (value) => matches(value, condition);
  const ops = Object.entries(condition as Record<string, unknown>).filter(([, operand]) => operand !== undefined);
  for (const [op] of ops) if (!OPERATORS.has(op)) throw new InvalidFieldError(field, `unknown query operator ${op}`);
  return (value) =>
    ops.every(([op, operand]) => {
      const present = value !== undefined && value !== null;
      switch (op) {
        case 'eq':
          return matches(value, operand);
        case 'ne':
          return !matches(value, operand);
        case 'in':
          return Array.isArray(operand) && operand.some((item) => matches(value, item));
        case 'contains':
          return Array.isArray(value) ? value.includes(operand) : typeof value === 'string' && value.includes(String(operand));
        case 'exists':
          return present === operand;
        default:
          return present && !Array.isArray(value) && compareOp(op, compareValues(value, operand, 1));
      }
    });
}

function matches(value: unknown, operand: unknown): boolean {
  if (operand === null) return value === undefined || value === null;
  return Array.isArray(value) ? value.includes(operand) : value === operand;
}

function compareOp(op: string, order: number): boolean {
  if (op === 'lt') return order < 0;
  if (op === 'lte') return order <= 0;
  if (op === 'gt') return order > 0;
  return order >= 0;
}

/** Absent values last whatever the direction; numbers and booleans by value, strings by code unit (as dates sort). */
function compareValues(a: unknown, b: unknown, sign: number): number {
  const aAbsent = a === undefined || a === null;
  const bAbsent = b === undefined || b === null;
  if (aAbsent || bAbsent) return aAbsent === bAbsent ? 0 : aAbsent ? 1 : -1;
  const [x, y] = [scalar(a), scalar(b)];
  return x < y ? -sign : x > y ? sign : 0;
}

function scalar(value: unknown): Scalar {
  if (Array.isArray(value)) return value.join('\u0000');
  return typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string' ? value : String(value);
}
