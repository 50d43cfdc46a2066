// Every frame a client sends enters the room here, before Colyseus core sees it:
// - counted first, before anything is decoded: a client past its flood limit (frames in one second)
//   is cut off at once, its later frames never read. Core has the same idea (maxMessagesPerSecond),
//   but its check sits behind our decoding and closes with its generic 4002;
// - a message frame's type and msgpack payload are decoded here, once, and handed to the room (core
//   would decode them again, and close the connection with 4002 on a payload it cannot read, which
//   the contract forbids: an unreadable frame is answered instead);
// - every other frame (join handshake, ping, leave, raw bytes) goes to core as before.
import { ClientState, type Client, type Room } from "@colyseus/core";
import { decode } from "@colyseus/schema";
import { unpack } from "msgpackr";
import { coreFrameEntry, MESSAGE_FRAME, protocolCode, replaceFrameEntry, REQUEST_FRAME, stopReading } from "./colyseus-internals.ts";

export interface Intake<R extends Room> {
  /** Frames a second past which a client is cut off (0: never). */
  floodLimit(room: R): number;
  /** Called once for a client that went past the flood limit, after it stopped being read. */
  onFlood(room: R, client: Client): void;
  /** A message frame whose type or payload cannot be decoded. */
  onUnreadable(room: R, client: Client): void;
  /** A message frame, decoded. */
  onData(room: R, client: Client, type: string | number, payload: unknown): void;
}

/** Frames of one client in its current one-second window. */
interface Window {
  count: number;
  endsAt: number;
}

const windows = new WeakMap<Client, Window>();

/** Installs the intake as `roomClass`'s per-frame entry point. */
export function installIntake<R extends Room>(roomClass: { prototype: R }, intake: Intake<R>): void {
  const coreEntry = coreFrameEntry<R>();
  replaceFrameEntry(roomClass, function (this: R, client: Client, buffer: Uint8Array) {
    if (!buffer || buffer.byteLength === 0 || client.state === ClientState.LEAVING) return coreEntry.call(this, client, buffer);
    const now = performance.now();
    let window = windows.get(client);
    if (window === undefined) {
      window = { count: 0, endsAt: 0 };
      windows.set(client, window);
    }
    if (now >= window.endsAt) {
      window.count = 1;
      window.endsAt = now + 1000;
    } else if (++window.count > intake.floodLimit(this) && intake.floodLimit(this) > 0) {
      // Stop reading this client at once: nothing more of its flood is decoded or answered.
      stopReading(client);
      return intake.onFlood(this, client);
    }
    const code = protocolCode(buffer);
    if (code !== MESSAGE_FRAME && code !== REQUEST_FRAME) return coreEntry.call(this, client, buffer);
    let type: string | number;
    let payload: unknown;
    try {
      const it = { offset: 1 };
      if (code === REQUEST_FRAME) decode.number(buffer as Buffer, it); // a request id: answered like any message
      type = decode.stringCheck(buffer as Buffer, it) ? decode.string(buffer as Buffer, it) : decode.number(buffer as Buffer, it);
      if (it.offset > buffer.byteLength) return intake.onUnreadable(this, client);
      payload = buffer.byteLength > it.offset ? unpack(buffer.subarray(it.offset)) : undefined;
    } catch {
      return intake.onUnreadable(this, client);
    }
    intake.onData(this, client, type, payload);
  });
}
