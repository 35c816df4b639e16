/** App-defined task fields: what `@concord/core` exports of them. */
export { defineSchema, RESERVED_FIELD_NAMES } from './define.js';
export type { ArrayElement, Condition, OrderKey, TaskQuery, Where } from './query.js';
export type {
  AlwaysPresent,
  BooleanField,
  CounterChange,
  CounterField,
  DateField,
  EnumField,
  FieldPatch,
  FieldPatchValue,
  FieldSpec,
  FieldSpecs,
  FieldType,
  FieldValueOf,
  FieldValues,
  Migration,
  MigrationInput,
  NumberField,
  RegisterType,
  Schema,
  SetChange,
  SetField,
  StringField,
  TextField,
  UserField,
} from './types.js';
