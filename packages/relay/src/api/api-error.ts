/** Stable codes of the HTTP API's error bodies (`{ error: { code, message, field? } }`). */
export type ApiErrorCode =
  | 'ERR_VALIDATION'
  | 'ERR_MALFORMED_JSON'
  | 'ERR_UNSUPPORTED_MEDIA_TYPE'
  | 'ERR_BODY_TOO_LARGE'
  | 'ERR_UNAUTHORIZED'
  | 'ERR_FORBIDDEN'
  | 'ERR_NOT_FOUND'
  | 'ERR_METHOD_NOT_ALLOWED'
  | 'ERR_CONFLICT'
  | 'ERR_UNKNOWN_ALTERNATIVE'
  | 'ERR_RATE_LIMITED'
  | 'ERR_INVALID_CURSOR'
  | 'ERR_WRITE_REFUSED'
  | 'ERR_UNAVAILABLE'
  | 'ERR_INTERNAL';

/** A refusal the API answers with `status` and a JSON error body; anything else thrown is a 500. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly field?: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get body(): { error: { code: ApiErrorCode; message: string; field?: string } } {
    return { error: { code: this.code, message: this.message, ...(this.field === undefined ? {} : { field: this.field }) } };
  }
}
