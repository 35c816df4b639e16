/**
 * The authorisation seam: what one connection may do with a document. Sessions ask before joining a document and before
 * accepting a write. Without `--auth-secret` every connection gets `ALLOW_ALL`; with it, the host gives each connection
 * the access of its verified token (`tokenAccess` in tokens.ts).
 */
export type AccessMode = 'rw' | 'ro' | 'none';

/** What one connection may do with each document, and who it is. */
export interface DocumentAccess {
  /** The access this connection has to `doc`: read-write, read-only or none. */
  mode(doc: string): AccessMode;
  /**
   * The authenticated user (the token's `sub`) when authentication is on: the relay binds each Yjs client id to the
   * first user who writes with it and refuses that client id to every other user. Absent without authentication.
   */
  readonly author?: string;
}

/** Full read-write access to every document, anonymous: what every connection gets without `--auth-secret`. */
export const ALLOW_ALL: DocumentAccess = { mode: () => 'rw' };
