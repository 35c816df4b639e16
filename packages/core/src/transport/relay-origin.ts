/**
 * The origin of changes the relay already holds that the app applies itself, in a transaction of its own (a restore's
 * updates, which the requester receives in the answer to its request): they count as confirmed by the relay and are
 * never sent back to it. Matched by class, so an undo history can track them (a restore is then one step to undo).
 */
export class RelayOrigin {
  constructor(readonly reason: 'restore') {}
}
