/**
 * The shape of an app's task fields (`new Concord({ schema })`) and the TypeScript types inferred from it. Each field's
 * type fixes how concurrent edits of it merge; see `merges.ts` for the rules and the core README for the table.
 */

/** A field of shared text (a `Y.Text`), merging as a task's title and description do. */
export interface TextField {
  readonly type: 'text';
  /** Longest allowed content, in UTF-16 code units. Default 100,000. */
  readonly maxLength?: number;
}
/** A register holding a string. */
export interface StringField {
  readonly type: 'string';
  /** Longest allowed value, in UTF-16 code units. Default 10,000. */
  readonly maxLength?: number;
}
/** A register holding a finite number. */
export interface NumberField {
  readonly type: 'number';
  readonly min?: number;
  readonly max?: number;
  readonly integer?: boolean;
}
/** A register holding true or false. */
export interface BooleanField {
  readonly type: 'boolean';
}
/** A register holding a calendar date, `YYYY-MM-DD` (no time of day, no time zone: a due date is a day). */
export interface DateField {
  readonly type: 'date';
}
/** A register holding one of `values`. */
export interface EnumField<V extends string = string> {
  readonly type: 'enum';
  readonly values: readonly V[];
}
/** A register holding a user id (as `new Concord({ userId })` names a person). */
export interface UserField {
  readonly type: 'user';
}
/** A set of strings: a concurrent add and remove of the same string keeps it; concurrent adds keep both. */
export interface SetField {
  readonly type: 'set';
  /** Longest allowed member, in UTF-16 code units. Default 200. */
  readonly maxLength?: number;
}
/** An integer counter: concurrent increments add up. */
export interface CounterField {
  readonly type: 'counter';
}

/** One declared field: its type (which fixes its merge rule) and that type's options. */
export type FieldSpec = TextField | StringField | NumberField | BooleanField | DateField | EnumField | UserField | SetField | CounterField;
/** The name of a field type: `text`, `string`, `number`, `boolean`, `date`, `enum`, `user`, `set` or `counter`. */
export type FieldType = FieldSpec['type'];
/** The types whose field is a register: concurrent sets settle on one value, the later edit's, everywhere. */
export type RegisterType = 'string' | 'number' | 'boolean' | 'date' | 'enum' | 'user';

/** The fields an app declares, by name. */
export type FieldSpecs = Readonly<Record<string, FieldSpec>>;

/** What a migration sees and returns: the task's fields (base and declared) by name. */
export type MigrationInput = Readonly<Record<string, unknown>>;
/**
 * Turns a task of the previous version into one of this version. It must be deterministic (same input, same output:
 * no clock, no randomness), because two replicas may migrate the same task at the same time and must agree.
 */
export type Migration = (task: MigrationInput) => MigrationInput;

/** An app's task fields: `new Concord({ schema })`. */
export interface Schema<F extends FieldSpecs = FieldSpecs> {
  /** A positive integer; tasks record the version that wrote them. Default 1. */
  readonly version?: number;
  readonly fields: F;
  /** Per version step: `migrate[n]` turns a task of version n - 1 into version n. */
  readonly migrate?: Readonly<Record<number, Migration>>;
}

/** The value a field holds, as read. */
export type FieldValueOf<T extends FieldSpec> = T extends EnumField<infer V>
  ? V
  : T extends { readonly type: 'number' } | { readonly type: 'counter' }
    ? number
    : T extends { readonly type: 'boolean' }
      ? boolean
      : T extends { readonly type: 'set' }
        ? readonly string[]
        : string;

/** Texts read as '' and sets as [] and counters as 0 when never written; registers are absent (undefined). */
/** Field types that always have a value (an empty text, set or a zero counter), never `undefined`. */
export type AlwaysPresent = 'text' | 'set' | 'counter';

/** The declared fields of a task as read. */
export type FieldValues<F extends FieldSpecs> = {
  readonly [K in keyof F as F[K]['type'] extends AlwaysPresent ? K : never]: FieldValueOf<F[K]>;
} & {
  readonly [K in keyof F as F[K]['type'] extends AlwaysPresent ? never : K]?: FieldValueOf<F[K]>;
};

/** A change to a set: `add` always wins over a concurrent remove; `remove` removes only what this replica has seen. */
export interface SetChange {
  readonly add?: readonly string[];
  readonly remove?: readonly string[];
}
/** A change to a counter: `increment` (may be negative) adds to concurrent increments. */
export interface CounterChange {
  readonly increment: number;
}

/** What a patch may give for a field. `null` clears a register. */
export type FieldPatchValue<T extends FieldSpec> = T extends { readonly type: 'set' }
  ? readonly string[] | SetChange
  : T extends { readonly type: 'counter' }
    ? number | CounterChange
    : T extends { readonly type: 'text' }
      ? string
      : FieldValueOf<T> | null;

/** The declared fields a patch may change. */
export type FieldPatch<F extends FieldSpecs> = { readonly [K in keyof F]?: FieldPatchValue<F[K]> };
