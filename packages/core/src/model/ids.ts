import { ConcordError, ConcordErrorCode } from '../errors/concord-error.js';

/** Identifies a task list; also the name of the list's Yjs document. */
export type ListId = string & { readonly __brand: 'ListId' };
/** Identifies a task within its list. */
export type TaskId = string & { readonly __brand: 'TaskId' };

// A '/' would make `<listId>/<taskId>` ambiguous; the rest keeps ids safe in URLs, file names and IndexedDB names.
const ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

/** Whether `value` can be a list or task id: 1-128 of A-Z a-z 0-9 _ -. */
export function isValidId(value: string): boolean {
  return ID_PATTERN.test(value);
}

/** Checks `value` as a list id; throws a ConcordError with code ERR_INVALID_ID otherwise. */
export function asListId(value: string): ListId {
  if (!isValidId(value)) {
    throw new ConcordError(ConcordErrorCode.InvalidId, `invalid list id ${JSON.stringify(value)}: use 1-128 of A-Z a-z 0-9 _ -`);
  }
  return value as ListId;
}

/** Checks `value` as a task id; throws a ConcordError with code ERR_INVALID_ID otherwise. */
export function asTaskId(value: string): TaskId {
  if (!isValidId(value)) {
    throw new ConcordError(ConcordErrorCode.InvalidId, `invalid task id ${JSON.stringify(value)}: use 1-128 of A-Z a-z 0-9 _ -`);
  }
  return value as TaskId;
}

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A random 16-character id (about 95 bits): replicas create tasks offline, so ids must never collide. */
export function newTaskId(): TaskId {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let id = '';
  for (const byte of bytes) id += ALPHABET[byte % ALPHABET.length];
  return id as TaskId;
}

const SUFFIX_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

/**
 * A new list id from a person's name for it: a readable slug (lowercase letters, digits and `-`, at most 40) and 12
 * random characters (60 bits). Two lists of one name never share an id, and an id cannot be guessed from the name
 * (a relay that mints a token for a new list relies on that). The name itself belongs in the list document.
 */
export function newListId(name = ''): ListId {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  const suffix = Array.from(crypto.getRandomValues(new Uint8Array(12)), (byte) => SUFFIX_ALPHABET[byte % 32]).join('');
  return `${slug || 'list'}-${suffix}` as ListId;
}

/** The Yjs document name of a list. */
export function listDocName(listId: ListId): string {
  return listId;
}

/** The Yjs document name of a task: `<listId>/<taskId>`. */
export function taskDocName(listId: ListId, taskId: TaskId): string {
  return `${listId}/${taskId}`;
}
