/**
 * The wire protocol shared by `@concord/core` and `@concord/relay`. Pulls in no browser-only code.
 * @packageDocumentation
 */
export * from './messages.js';
export { encodeMessage, decodeMessage, ProtocolError, MAX_DOC_NAME_LENGTH } from './codec.js';
export { isDecodableUpdate, isEmptyUpdate } from './validate-update.js';
export { coversDeleteSet, type DeleteSet } from './delete-set.js';
export { AUTHORS_MAP, RESTORES_ARRAY } from './document-schema.js';
