/**
 * The origin of the transactions a text binding makes: the user typing. The undo history records changes made with
 * any `TypingOrigin` (Yjs matches tracked origins by class), and makes a paste a step of its own.
 */
export class TypingOrigin {
  /** The `inputType` of the input event being applied (`insertFromPaste` for a paste). */
  inputType = '';
}
