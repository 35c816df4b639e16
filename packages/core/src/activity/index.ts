/**
 * `@concord/core/activity`: who did what to a list's tasks, derived from its documents. Pure functions a relay or an
 * integration can run on documents it loads: `readTaskState` (a task's state with the author and time of each part),
 * `diffTask` (the events between two states) and `detectResolutions` (what a merge decided between changes made apart).
 * @packageDocumentation
 */
export type { ActivityEvent, ActivityEventBase, ActivityEventBody, ActivityKind, ListRestored, Resolution, TaskChange, TextVersion } from './events.js';
export { isResolution, RESOLUTION_KINDS } from './events.js';
export { readTaskState, textAuthor, type TaskSources, type TaskState } from './state.js';
export { diffTask, type Fallback } from './diff.js';
export { detectResolutions } from './resolutions.js';
export { AUTHORS_MAP, authorOf, claimedUser, claims, keepClaims, stateVectorOf, writerOf, type Author, type Verifier } from '../attribution/authors.js';
