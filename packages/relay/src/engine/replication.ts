/**
 * The engine's seam to other relays (implemented over Redis by `RedisReplication`). The engine stays ignorant of
 * Redis: it asks for a catch-up while loading a room and reports what local clients wrote; the replication feeds peer
 * updates back through `RelayEngine.applyPeerUpdate` (persisted before forwarded, never republished).
 */
export interface Replication {
  /**
   * Called while a room loads, after its stored log was read: resolves with the peers' updates this relay lacks. The
   * engine persists them before the room is served, so a client's first SyncReply already includes them. Must not reject
   * for peer or network trouble (resolve with what arrived, or `[]`).
   */
  catchUp(doc: string, stored: readonly Uint8Array[]): Promise<Uint8Array[]>;
  /** A local client's update of a loaded document is now durable on this relay. */
  publishUpdate(doc: string, update: Uint8Array): void;
  /** Awareness accepted from a local client, or the removal of a departed client's states. */
  publishAwareness(doc: string, update: Uint8Array): void;
}
