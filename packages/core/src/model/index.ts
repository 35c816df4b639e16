/**
 * @concord/core/model — the documents' layout for code that reads or writes them without a `Concord` store (a relay's
 * HTTP API, an import or export tool): `ListDoc` and `TaskDoc` over a `Y.Doc`, text edits (`editText` and `resolveText`:
 * recorded, so edits made apart that collide show one version; `setText`: a raw splice, not recorded), order keys, and
 * the claim of a client id for its user that every writer makes. Events derived from the documents:
 * `@concord/core/activity`.
 * @packageDocumentation
 */
export { ListDoc, type EntryMap, type EntryValue, type ListEntry } from './list-doc.js';
export type { Membership } from './entry-index.js';
export { TaskDoc, TASK_SCHEMA_VERSION, type FieldValue, type StoredTaskFields, type TaskFields, type TaskPatch } from './task-doc.js';
export type { CompiledSchema } from './schema/define.js';
export { readAllStored, type FieldProblem, type TextAccess } from './schema/task-fields.js';
export { setText } from './text.js';
export { editText, resolveText, spliceText, EDITS_KEY, type ResolvedText, type TextAlternative, type TextEditAuthor, type TextSplice } from '../text-merge/index.js';
export { readRecords, type EditRecord, type IdRange } from '../text-merge/index.js';
export { compareOrdered, keyAtEnd, keysForMove, type Ordered } from './order.js';
export { asListId, asTaskId, isValidId, newListId, newTaskId, listDocName, taskDocName, type ListId, type TaskId } from './ids.js';
export { claimAuthorship } from '../attribution/authors.js';
