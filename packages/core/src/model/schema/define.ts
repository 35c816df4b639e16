import type { FieldSpec, FieldSpecs, Migration, RegisterType, Schema } from './types.js';

/** Names a declared field may not take: a task's built-in fields and what `create` reads. */
export const RESERVED_FIELD_NAMES: ReadonlySet<string> = new Set([
  'id',
  'order',
  'deleted',
  'title',
  'description',
  'completed',
  'createdAt',
  'updatedAt',
  'schemaVersion',
  'after',
]);

const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const REGISTER_TYPES: ReadonlySet<string> = new Set<RegisterType>(['string', 'number', 'boolean', 'date', 'enum', 'user']);
const TYPES: ReadonlySet<string> = new Set([...REGISTER_TYPES, 'text', 'set', 'counter']);

/** Declares a schema with its types kept exactly (`as const` not needed): `new Concord({ schema: defineSchema({...}) })`. */
export function defineSchema<const F extends FieldSpecs>(schema: Schema<F>): Schema<F> {
  return schema;
}

/** A schema checked once, at `new Concord()`: a mistake in it is a `TypeError` there, not a surprise on some replica. */
export class CompiledSchema {
  readonly version: number;
  readonly fields: ReadonlyMap<string, FieldSpec>;
  private readonly migrations: ReadonlyMap<number, Migration>;

  constructor(schema: Schema | undefined) {
    const { version = 1, fields = {}, migrate = {} } = schema ?? {};
    if (!Number.isInteger(version) || version < 1) throw new TypeError(`schema.version must be a positive integer, not ${String(version)}`);
    const checked = new Map<string, FieldSpec>();
    for (const [name, spec] of Object.entries(fields)) checked.set(name, checkSpec(name, spec));
    this.version = version;
    this.fields = checked;
    const migrations = new Map<number, Migration>();
    for (const [key, migration] of Object.entries(migrate)) {
      const step = Number(key);
      if (!Number.isInteger(step) || step < 2 || step > version) {
        throw new TypeError(`schema.migrate[${key}]: a migration is keyed by the version it produces, 2..${version}`);
      }
      if (typeof migration !== 'function') throw new TypeError(`schema.migrate[${key}] must be a function`);
      migrations.set(step, migration);
    }
    this.migrations = migrations;
  }

  /** The migration producing `version`, if the schema has one (a step without one changes no values). */
  migration(version: number): Migration | undefined {
    return this.migrations.get(version);
  }
}

export function isRegister(spec: FieldSpec): spec is Extract<FieldSpec, { type: RegisterType }> {
  return REGISTER_TYPES.has(spec.type);
}

function checkSpec(name: string, spec: FieldSpec): FieldSpec {
  if (!FIELD_NAME.test(name)) throw new TypeError(`schema field ${JSON.stringify(name)}: use a letter then up to 63 of A-Z a-z 0-9 _`);
  if (RESERVED_FIELD_NAMES.has(name)) throw new TypeError(`schema field ${JSON.stringify(name)} is a built-in task field`);
  if (typeof spec !== 'object' || spec === null || !TYPES.has((spec as { type?: unknown }).type as string)) {
    throw new TypeError(`schema field ${name}: type must be one of ${[...TYPES].join(', ')}`);
  }
  if (spec.type === 'enum') {
    const values: readonly unknown[] = Array.isArray(spec.values) ? spec.values : [];
    if (values.length === 0 || values.some((value) => typeof value !== 'string') || new Set(values).size !== values.length) {
      throw new TypeError(`schema field ${name}: an enum needs values, distinct strings`);
    }
  }
  if ('maxLength' in spec && spec.maxLength !== undefined && !(Number.isInteger(spec.maxLength) && spec.maxLength > 0)) {
    throw new TypeError(`schema field ${name}: maxLength must be a positive integer`);
  }
  if (spec.type === 'number') {
    for (const bound of [spec.min, spec.max]) {
      if (bound !== undefined && !Number.isFinite(bound)) throw new TypeError(`schema field ${name}: min and max must be finite numbers`);
    }
  }
  return spec;
}
