// @ts-check
import { Buffer } from 'node:buffer';
import * as Y from 'yjs';

/**
 * Every replica must hold every edit and agree on the state: same state vector, same tasks, same text.
 * @param {import('../clients/light-client.js').LightClient[]} clients
 * @param {{ tasks: number, textLength: number }} expected
 * @returns {string[]} what is wrong, empty when they converged
 */
export function checkConvergence(clients, expected) {
  const failures = [];
  let reference = null;
  let referenceText = null;
  for (const client of clients) {
    client.flush();
    const tasks = client.doc.getMap('tasks').size;
    if (tasks !== expected.tasks) failures.push(`client ${client.clientID} holds ${tasks} of ${expected.tasks} tasks`);
    const text = client.doc.getText('t').toString();
    if (text.length !== expected.textLength) failures.push(`client ${client.clientID} shows ${text.length} characters, not ${expected.textLength}`);
    const state = Buffer.from(Y.encodeStateVector(client.doc)).toString('hex');
    if (reference === null) reference = state;
    else if (state !== reference) failures.push(`client ${client.clientID} has a different state vector`);
    if (referenceText === null) referenceText = text;
    else if (text !== referenceText) failures.push(`client ${client.clientID} shows a different text`);
  }
  return failures;
}
