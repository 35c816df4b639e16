// @ts-check
import { Buffer } from 'node:buffer';
import * as Y from 'yjs';

/**
 * Every replica must hold every edit and agree on the state: same state vector, same tasks.
 * @param {import('../clients/light-client.js').LightClient[]} clients
 * @param {number} expectedTasks
 * @returns {string[]} what is wrong, empty when they converged
 */
export function checkConvergence(clients, expectedTasks) {
  const failures = [];
  let reference = null;
  for (const client of clients) {
    client.flush();
    const tasks = client.doc.getMap('tasks').size;
    if (tasks !== expectedTasks) failures.push(`client ${client.clientID} holds ${tasks} of ${expectedTasks} tasks`);
    const state = Buffer.from(Y.encodeStateVector(client.doc)).toString('hex');
    if (reference === null) reference = state;
    else if (state !== reference) failures.push(`client ${client.clientID} has a different state vector`);
  }
  return failures;
}
