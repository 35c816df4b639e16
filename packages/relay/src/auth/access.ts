/**
 * The authorisation seam: what one connection may do with a document. Sessions ask before joining a document and before
 * accepting a write. Without `--auth-secret` every connection gets `ALLOW_ALL`; with it, the host gives each connection
 * the access of its verified token (`tokenAccess` in tokens.ts).
 */
export type AccessMode = 'rw' | 'ro' | 'none';

export interface DocumentAccess {
  mode(doc: string): AccessMode;
}

export const ALLOW_ALL: DocumentAccess = { mode: () => 'rw' };
