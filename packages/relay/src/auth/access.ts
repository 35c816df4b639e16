/**
 * The authorisation seam (issue 5 will fill it with JWT checks): what one connection may do with a document. Sessions
 * ask before joining a document and before accepting a write. Today every connection gets `ALLOW_ALL`.
 */
export type AccessMode = 'rw' | 'ro' | 'none';

export interface DocumentAccess {
  mode(doc: string): AccessMode;
}

export const ALLOW_ALL: DocumentAccess = { mode: () => 'rw' };
