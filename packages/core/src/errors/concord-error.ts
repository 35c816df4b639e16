/** Stable error codes of `@concord/core`. Never change a published code's meaning. */
export const ConcordErrorCode = {
  InvalidId: 'ERR_INVALID_ID',
  UnknownTask: 'ERR_UNKNOWN_TASK',
  ListClosed: 'ERR_LIST_CLOSED',
  PersistenceFailed: 'ERR_PERSISTENCE_FAILED',
  /** Local storage is held by another process (a LevelDB directory is locked while open). */
  StorageLocked: 'ERR_STORAGE_LOCKED',
  /** A value given for a task field does not fit the schema (`InvalidFieldError` names the field and the reason). */
  InvalidField: 'ERR_INVALID_FIELD',
  /** `pickAlternative` named an alternative the field does not have (any more). */
  UnknownAlternative: 'ERR_UNKNOWN_ALTERNATIVE',
} as const;
/** One of the stable codes of `ConcordErrorCode`. */
export type ConcordErrorCodeValue = (typeof ConcordErrorCode)[keyof typeof ConcordErrorCode];

/** Every error that `@concord/core` throws on purpose; branch on `code`, not on the message. */
export class ConcordError extends Error {
  constructor(
    readonly code: ConcordErrorCodeValue,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ConcordError';
  }
}

/** A task field's value does not fit the schema; nothing of the create or update that carried it was applied. */
export class InvalidFieldError extends ConcordError {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(ConcordErrorCode.InvalidField, `invalid task field ${JSON.stringify(field)}: ${reason}`);
    this.name = 'InvalidFieldError';
  }
}
