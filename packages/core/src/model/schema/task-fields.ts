import type * as Y from 'yjs';
import { isRegister, type CompiledSchema } from './define.js';
import { changeSet, incrementCounter, readCounter, readRegister, readSet, writeRegister, type RegisterValue } from './merges.js';
import { memberProblem, registerValueProblem, setChange } from './validate.js';

/** The task document's text fields, built-in and declared: they are read and written through one path. */
export interface TextAccess {
  /** The task document. */
  readonly doc: Y.Doc;
  /** The text of a field as shown (its edits resolved). */
  readText(field: string): string;
  /** Makes the shown text of a field read `value`. */
  writeText(field: string, value: string): void;
}

/** A value another replica wrote that does not fit this replica's schema: shown as absent, reported once. */
export interface FieldProblem {
  readonly field: string;
  readonly reason: string;
  readonly value: unknown;
  /** Identifies the written value, so the same one is reported once however often the task is read. */
  readonly key: string;
}

/** The declared fields of a task as this schema reads them, and what did not fit. */
export function readDeclared(task: TextAccess, schema: CompiledSchema): { values: Record<string, unknown>; problems: FieldProblem[] } {
  const values: Record<string, unknown> = {};
  const problems: FieldProblem[] = [];
  for (const [field, spec] of schema.fields) {
    if (spec.type === 'text') values[field] = task.readText(field);
    else if (spec.type === 'set') {
      const members: string[] = [];
      for (const member of readSet(task.doc, field)) {
        const reason = memberProblem(spec, member);
        if (reason) problems.push({ field, reason, value: member, key: `${field}\0${member}` });
        else members.push(member);
      }
      values[field] = members;
    } else if (spec.type === 'counter') {
      const { value, bad } = readCounter(task.doc, field);
      values[field] = value;
      for (const entry of bad) problems.push({ field, reason: 'a counter entry is not an integer', value: entry, key: `${field}\0${String(entry)}` });
    } else {
      const current = readRegister(task.doc, field);
      if (!current || current.value === null) continue;
      const reason = registerValueProblem(spec, current.value);
      if (reason) problems.push({ field, reason, value: current.value, key: `${field}\0${current.writer}\0${current.stamp}` });
      else values[field] = current.value;
    }
  }
  return { values, problems };
}

/**
 * Every field the document holds, by name, whether this schema declares it or not: what a migration reads (a field an
 * older version declared may be gone from the newer schema, and the migration still needs its value).
 */
export function readAllStored(task: TextAccess): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const name of task.doc.share.keys()) {
    const [kind, field] = [name.slice(0, 2), name.slice(2)];
    if (kind === 'r:') {
      const value = readRegister(task.doc, field)?.value;
      if (value !== undefined && value !== null) values[field] = value;
    } else if (kind === 's:') values[field] = readSet(task.doc, field);
    else if (kind === 'c:') values[field] = readCounter(task.doc, field).value;
    else if (kind === 't:') values[field] = task.readText(field);
  }
  return values;
}

/**
 * Writes the declared fields a patch gives (already checked). `now: null` writes as a migration: registers stamped
 * from what they hold, with no clock, and counters under the migration's own writer, so replicas agree.
 */
export function writeDeclared(task: TextAccess, schema: CompiledSchema, patch: Readonly<Record<string, unknown>>, writer: string, now: number | null): void {
  for (const [field, value] of Object.entries(patch)) {
    const spec = schema.fields.get(field);
    if (!spec || value === undefined) continue;
    if (spec.type === 'text') task.writeText(field, value as string);
    else if (spec.type === 'set') {
      const change = setChange(value)!;
      changeSet(task.doc, field, (change.add ?? []) as string[], (change.remove ?? []) as string[], change.whole === true);
    } else if (spec.type === 'counter') {
      const by = typeof value === 'number' ? value - readCounter(task.doc, field).value : (value as { increment: number }).increment;
      incrementCounter(task.doc, field, by, writer);
    } else if (isRegister(spec)) writeRegister(task.doc, field, value as RegisterValue, writer, now);
  }
}

/**
 * A stored view's declared values, checked against this schema: what does not fit (a view written by other code) is
 * left out, as a document's value would be. The document, applied later, has the last word.
 */
export function checkedView<T extends Readonly<Record<string, unknown>>>(view: T, base: ReadonlySet<string>, schema: CompiledSchema): T {
  const checked: Record<string, unknown> = {};
  for (const key of base) if (view[key] !== undefined) checked[key] = view[key];
  for (const [field, spec] of schema.fields) {
    const value = view[field];
    if (spec.type === 'text') checked[field] = typeof value === 'string' ? value : '';
    else if (spec.type === 'set') checked[field] = Array.isArray(value) ? value.filter((member) => memberProblem(spec, member) === null) : [];
    else if (spec.type === 'counter') checked[field] = Number.isSafeInteger(value) ? value : 0;
    else if (value !== undefined && registerValueProblem(spec, value) === null) checked[field] = value;
  }
  return checked as T;
}
