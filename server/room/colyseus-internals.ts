// Every place where the room reaches past Colyseus's public API, in one file. Each relies on a private
// detail of @colyseus/core or @colyseus/ws-transport 0.18; colyseus-internals.test.ts fails when an
// upgrade changes one of them.
import { getMessageBytes, Protocol, Room, SchemaSerializer, type Client } from "@colyseus/core";
import type { Schema } from "@colyseus/schema";

/** The low bits of a frame's first byte carry its protocol code (@colyseus/shared-types PROTOCOL_CODE_MASK). */
const PROTOCOL_CODE_MASK = 31;

/** The protocol code of a frame, as core reads it. */
export function protocolCode(buffer: Uint8Array): number {
  return buffer[0]! & PROTOCOL_CODE_MASK;
}

/** A message frame (`room.send`) and a request frame (`room.request`, which carries a request id first). */
export const MESSAGE_FRAME = Protocol.ROOM_DATA;
export const REQUEST_FRAME = Protocol.ROOM_REQUEST;

export type FrameEntry<R extends Room> = (this: R, client: Client, buffer: Uint8Array) => void;

/** Core's own per-frame entry point (`Room.prototype._onMessage`), which every frame of a client enters. */
export function coreFrameEntry<R extends Room>(): FrameEntry<R> {
  return (Room.prototype as unknown as { _onMessage: FrameEntry<R> })._onMessage;
}

/** Makes `entry` the per-frame entry point of `roomClass`, in place of core's. */
export function replaceFrameEntry<R extends Room>(roomClass: { prototype: R }, entry: FrameEntry<R>): void {
  Object.defineProperty(roomClass.prototype, "_onMessage", { configurable: true, value: entry });
}

/**
 * An `event` message frame, encoded as `client.send("event", message)` encodes it, to be sent as it is
 * (`client.enqueueRaw`) to every client that is shown the same message: one encoding, not one per client.
 */
export function eventFrame(message: Record<string, unknown>): Buffer {
  return getMessageBytes.raw(Protocol.ROOM_DATA, "event", message);
}

/** Stops reading a client's socket at once (the ws transport's `ref` is the `ws` socket). */
export function stopReading(client: Client): void {
  (client.ref as unknown as { removeAllListeners(event: string): void }).removeAllListeners("message");
}

interface Corkable {
  cork(): void;
  uncork(): void;
}

/** Corks a client's TCP socket (the `ws` socket's `_socket`), so that frames queue until uncorked; null without one. */
export function corkSocket(client: Client): Corkable | null {
  const socket = (client as unknown as { ref?: { _socket?: Corkable } }).ref?._socket;
  if (!socket) return null;
  socket.cork();
  return socket;
}

/**
 * Colyseus's state serializer, with one change for the garbage collector. SchemaSerializer keeps the
 * patch it encoded for each client's StateView in a Map (`encodedViews`) that it clears after every
 * patch; a Map that lives as long as the room is soon in V8's old generation, and so is every new
 * table an emptied old Map gets, which keeps the next patch's buffers alive until a full GC. A new
 * Map after each patch is young, and so is its table.
 */
export class GolfSerializer<T extends Schema> extends SchemaSerializer<T> {
  override applyPatches(...args: Parameters<SchemaSerializer<T>["applyPatches"]>): boolean {
    const changed = super.applyPatches(...args);
    if (this.hasFilters && this.encodedViews.size > 0) this.encodedViews = new Map();
    return changed;
  }
}

/** Setting a room's state installs a SchemaSerializer: the serializer to install instead. */
export function withGolfSerializer<S>(serializer: S): S {
  return serializer instanceof SchemaSerializer && !(serializer instanceof GolfSerializer) ? (new GolfSerializer() as S) : serializer;
}
