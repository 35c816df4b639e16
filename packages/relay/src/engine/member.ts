/**
 * What the engine needs from a connection (one per WebSocket, whatever its protocol). Implementations must not throw;
 * the engine guards against it anyway so one broken connection never takes a room down.
 */
export interface RoomMember {
  /** Another member's update of `doc`, now durably stored. */
  receiveUpdate(doc: string, update: Uint8Array): void;
  /**
   * Updates of several documents that became durable together (one write batch, such as a restore of a list), for a
   * member that can hand them to its client in one message. Members without it get `receiveUpdate` per document.
   */
  readonly receiveUpdates?: ((entries: readonly { readonly doc: string; readonly update: Uint8Array }[]) => void) | undefined;
  /**
   * Several updates of `doc`, in order, that became durable together: a member that has it sends them in one write
   * instead of one per update. Members without it get `receiveUpdate` per update. Every member that wrote none of them
   * is handed the same array, so what a member derives from it (its frames on the wire) may be kept for the others.
   */
  receiveUpdateList?(doc: string, updates: readonly Uint8Array[]): void;
  /**
   * The connection this member writes for (a restore a connection asked for): that connection is not forwarded these
   * writes, which reach it in the answer to its request instead.
   */
  readonly onBehalfOf?: RoomMember;
  /** Awareness of `doc` from another member (or the removal of a departed member's states). */
  receiveAwareness(doc: string, update: Uint8Array): void;
  /**
   * Client ids of `doc` newly bound to their users (authentication on), before the updates that bound them are
   * forwarded. Members of protocols that do not carry bindings leave it out.
   */
  receiveBindings?(doc: string, bindings: ReadonlyMap<number, string>): void;
  /**
   * True if, when several updates of `doc` became durable together, the member may get them as ONE merged update that
   * can include its own: Yjs applies structs it already holds as a no-op (the y-websocket server echoes every update to
   * its sender too). The engine then sends it one message per write batch of `MERGE_FROM` updates or more instead of
   * one per update (smaller batches go out unmerged, through `receiveUpdateList` where the member has it).
   */
  readonly acceptsMergedUpdates?: boolean;
  /**
   * The authenticated user behind the connection, when authentication is on: Yjs client ids are bound to the first user
   * who writes with them, and an update extending a client id bound to another user is refused.
   */
  readonly author?: string | undefined;
}

/** A loaded document, as a member sees it right after joining. */
export interface RoomView {
  readonly doc: string;
  /** The catch-up for a client with `stateVector`, and the relay's own state vector. Throws MalformedStateVectorError. */
  sync(stateVector: Uint8Array): { update: Uint8Array; stateVector: Uint8Array };
  /** Only the catch-up part of `sync`: the relay's own state vector is not computed (nor kept). Throws MalformedStateVectorError. */
  diff(stateVector: Uint8Array): Uint8Array;
  /** The relay's state vector of the document. */
  stateVector(): Uint8Array;
  /** Live awareness states of the room for a newcomer, or null. */
  awareness(): Uint8Array | null;
}

/**
 * What a member's session uses of the engine (`RelayEngine` implements it): sessions depend on this, not on the engine
 * class, so a test or another host can stand in for it.
 */
export interface MemberEngine {
  /** Loads the document if needed and adds the member. Rejects with LoadFailedError or EngineClosedError. */
  join(doc: string, member: RoomMember): Promise<RoomView>;
  /**
   * Adds the member at once if the document is already loaded and returns its view, else null (then `join`). Optional:
   * an engine without it is always joined through `join`.
   */
  joinLoaded?(doc: string, member: RoomMember): RoomView | null;
  /** The bindings of `doc`'s client ids to users (authentication on); the member must have joined it. */
  clientBindings(doc: string): Promise<ReadonlyMap<number, string>>;
  /** Removes the member from the document's room; the room unloads once idle. */
  leave(doc: string, member: RoomMember): void;
  /** Resolves with the clocks now durably held once the update is stored and forwarded. */
  submitUpdate(doc: string, member: RoomMember, update: Uint8Array): Promise<Uint8Array>;
  /** submitUpdate for protocols without acknowledgements. */
  submitUpdateUnacknowledged(doc: string, member: RoomMember, update: Uint8Array): Promise<void>;
  /** Throws MalformedAwarenessError or NotSubscribedError. */
  submitAwareness(doc: string, member: RoomMember, update: Uint8Array): void;
}
