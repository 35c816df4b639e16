/**
 * The root map of every list and task document where each replica claims its Yjs client id for its user (key the client
 * id in decimal, value the user id). Clients write and read it; a relay with authentication checks every claim it is
 * sent against the writer's token (PROTOCOL.md, "Who wrote what").
 */
export const AUTHORS_MAP = 'authors';

/**
 * The root array of every task document holding the edit records of its text fields (binary items, deleted only by a
 * restore, with the edits they record): what makes concurrent edits that collide show one version and keep the other
 * as an alternative.
 */
export const EDITS_KEY = 'edits';

/**
 * The root array of a list document recording each restore of the list (`{ at, to, only, changed }` plain objects,
 * append-only): the activity feed shows them, and a restore never takes them back.
 */
export const RESTORES_ARRAY = 'restores';
