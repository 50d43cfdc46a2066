// Colyseus core closes the connection (4002) when a message's msgpack payload cannot be decoded.
// Our contract says a malformed message under 64 kB is answered, never a disconnect: so frames are
// checked before core reads them, and an unreadable one is answered with an `error` instead.
import { Room, type Client } from "@colyseus/core";
import { decode } from "@colyseus/schema";
import { unpack } from "msgpackr";

const PROTOCOL_CODE_MASK = 31; // @colyseus/shared-types Protocol: the low bits carry the code
const ROOM_DATA = 13;
const ROOM_REQUEST = 21;

/** True when core can decode the frame's message type and payload. */
export function frameIsReadable(buffer: Uint8Array): boolean {
  const code = buffer[0]! & PROTOCOL_CODE_MASK;
  if (code !== ROOM_DATA && code !== ROOM_REQUEST) return true;
  try {
    const it = { offset: 1 };
    if (code === ROOM_REQUEST) decode.number(buffer as Buffer, it);
    if (decode.stringCheck(buffer as Buffer, it)) decode.string(buffer as Buffer, it);
    else decode.number(buffer as Buffer, it);
    if (it.offset > buffer.byteLength) return false;
    if (buffer.byteLength > it.offset) unpack(buffer.subarray(it.offset));
    return true;
  } catch {
    return false;
  }
}

type MessageEntry = (this: Room, client: Client, buffer: Uint8Array) => void;

/** Wraps core's (private) per-frame entry point of `roomClass`. */
export function guardFrames(roomClass: { prototype: object }, onUnreadable: (client: Client) => void): void {
  const coreEntry = (Room.prototype as unknown as { _onMessage: MessageEntry })._onMessage;
  Object.defineProperty(roomClass.prototype, "_onMessage", {
    configurable: true,
    value: function (this: Room, client: Client, buffer: Uint8Array) {
      if (buffer && buffer.byteLength > 0 && !frameIsReadable(buffer)) return onUnreadable(client);
      return coreEntry.call(this, client, buffer);
    },
  });
}
