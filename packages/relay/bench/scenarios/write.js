// @ts-check
import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Make `count` edits, one message each, a chunk per event-loop turn so the client's own socket keeps reading.
 * @param {import('../clients/light-client.js').LightClient} writer
 * @param {number} count
 */
export async function writeEdits(writer, count) {
  const CHUNK = 250;
  for (let made = 0; made < count; made += CHUNK) {
    writer.edit(Math.min(CHUNK, count - made));
    await nextTurn();
  }
}
