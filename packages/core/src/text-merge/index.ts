export { resolveText, shownChars, type ResolvedText, type ShownChar, type TextAlternative } from './resolve.js';
export { editText, spliceText, minimalSplice, type TextEditAuthor, type TextSplice } from './edit.js';
export { EDITS_KEY, readRecords, recordId, nextTime } from './records.js';
export type { EditRecord, IdRange } from './record.js';
