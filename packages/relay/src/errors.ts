/**
 * Errors the relay throws or reports, each with a stable `code` that callers and logs can match on
 * (the messages are for people and may change).
 */
export type RelayErrorCode =
  | 'ERR_STORAGE'
  | 'ERR_STORAGE_CLOSED'
  | 'ERR_MALFORMED_UPDATE'
  | 'ERR_CORRUPT_UPDATE'
  | 'ERR_UNMET_DEPENDENCY'
  | 'ERR_CLIENT_ID_TAKEN'
  | 'ERR_MALFORMED_AWARENESS'
  | 'ERR_AWARENESS_LIMIT'
  | 'ERR_MALFORMED_STATE_VECTOR'
  | 'ERR_NOT_SUBSCRIBED'
  | 'ERR_LOAD_FAILED'
  | 'ERR_ENGINE_CLOSED'
  | 'ERR_INVALID_OPTION'
  | 'ERR_DATA_DIR';

/** The base of every error the relay raises; `code` is stable and names the kind. */
export class RelayError extends Error {
  constructor(
    readonly code: RelayErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The storage could not read or write (disk full, I/O error, corrupt database). Nothing was acknowledged. */
export class StorageError extends RelayError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_STORAGE', message, options);
  }
}

/** The storage was used after `close()`. */
export class StorageClosedError extends RelayError {
  constructor() {
    super('ERR_STORAGE_CLOSED', 'storage is closed');
  }
}

/** Yjs cannot decode the update: it is refused, never stored and never forwarded. */
export class MalformedUpdateError extends RelayError {
  constructor(readonly doc: string) {
    super('ERR_MALFORMED_UPDATE', `undecodable update for document ${JSON.stringify(doc)}`);
  }
}

/**
 * Yjs decodes the update but applying it would throw at every receiver (see `screenUpdate` for the cases): it is
 * refused, never stored and never forwarded. `reason` names the case.
 */
export class CorruptUpdateError extends RelayError {
  constructor(
    readonly doc: string,
    readonly reason: string,
  ) {
    super('ERR_CORRUPT_UPDATE', `update for document ${JSON.stringify(doc)} would not apply (${reason})`);
  }
}

/**
 * The update depends on clocks the relay does not hold (a gap on a client id, a reference or a deletion past what was
 * written) and was held back, never stored or forwarded, until it was refused: `reason` says why (`held_timeout`,
 * `held_limit`, `writer_left`). A client that re-syncs sends what it depends on first.
 */
export class UnmetDependencyError extends RelayError {
  constructor(
    readonly doc: string,
    readonly reason: string,
  ) {
    super('ERR_UNMET_DEPENDENCY', `update for document ${JSON.stringify(doc)} depends on updates the relay lacks (${reason})`);
  }
}

/**
 * With authentication on, the update extends a Yjs client id that another user wrote with first: a client id belongs to
 * its writer, so nobody can write (or fill gaps) under another person's id; or the update claims a client id for a user
 * other than its writer in a document's `authors` map. Refused, never stored or forwarded.
 */
export class ClientIdTakenError extends RelayError {
  constructor(
    readonly doc: string,
    what = 'writes with a client id that belongs to another user',
  ) {
    super('ERR_CLIENT_ID_TAKEN', `update for document ${JSON.stringify(doc)} ${what}`);
  }
}

/** The awareness update does not follow y-protocols' awareness encoding. */
export class MalformedAwarenessError extends RelayError {
  constructor(readonly doc: string) {
    super('ERR_MALFORMED_AWARENESS', `undecodable awareness update for document ${JSON.stringify(doc)}`);
  }
}

/**
 * A well-formed awareness update over a limit: a state larger than `maxAwarenessBytes` (`reason` `state_too_large`) or
 * more live states from one connection in one document than `maxAwarenessStates` (`too_many_states`). Nothing of it is
 * kept or forwarded.
 */
export class AwarenessLimitRefusedError extends RelayError {
  constructor(
    readonly doc: string,
    readonly reason: string,
  ) {
    super('ERR_AWARENESS_LIMIT', `awareness update for document ${JSON.stringify(doc)} refused (${reason})`);
  }
}

/** A client's state vector cannot be decoded. */
export class MalformedStateVectorError extends RelayError {
  constructor(readonly doc: string) {
    super('ERR_MALFORMED_STATE_VECTOR', `undecodable state vector for document ${JSON.stringify(doc)}`);
  }
}

/** A connection sent an update or awareness for a document it has not subscribed to. */
export class NotSubscribedError extends RelayError {
  constructor(readonly doc: string) {
    super('ERR_NOT_SUBSCRIBED', `not subscribed to document ${JSON.stringify(doc)}`);
  }
}

/** A document's stored updates could not be read. */
export class LoadFailedError extends RelayError {
  constructor(
    readonly doc: string,
    options?: { cause?: unknown },
  ) {
    super('ERR_LOAD_FAILED', `could not load document ${JSON.stringify(doc)}`, options);
  }
}

/** The engine is closing or closed: no new rooms, no new writes. */
export class EngineClosedError extends RelayError {
  constructor() {
    super('ERR_ENGINE_CLOSED', 'relay engine is closed');
  }
}

/** An option (flag, environment variable or API option) has an impossible value. */
export class InvalidOptionError extends RelayError {
  constructor(message: string) {
    super('ERR_INVALID_OPTION', message);
  }
}

/** The data directory cannot be created or the database in it cannot be opened. */
export class DataDirectoryError extends RelayError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_DATA_DIR', message, options);
  }
}
