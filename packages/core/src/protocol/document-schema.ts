/**
 * The root map of every list and task document where each replica claims its Yjs client id for its user (key the client
 * id in decimal, value the user id). Clients write and read it; a relay with authentication checks every claim it is
 * sent against the writer's token (PROTOCOL.md, "Who wrote what").
 */
export const AUTHORS_MAP = 'authors';

/**
 * The root array of every task document holding the edit records of its text fields (binary items, never deleted by
 * Concord): what makes concurrent edits that collide show one version and keep the other as an alternative.
 */
export const EDITS_KEY = 'edits';
