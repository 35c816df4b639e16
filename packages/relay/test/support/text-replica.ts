import * as Y from 'yjs';

/** A person's replica for engine tests: every edit appends to the text `t` and is one update, returned. */
export function textReplica(clientID: number): { doc: Y.Doc; edit(text: string): Uint8Array } {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  return {
    doc,
    edit(text: string): Uint8Array {
      doc.getText('t').insert(doc.getText('t').length, text);
      return updates.at(-1) as Uint8Array;
    },
  };
}
