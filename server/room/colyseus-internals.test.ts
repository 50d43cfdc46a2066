// Each private detail of Colyseus that colyseus-internals.ts relies on, checked against the installed
// packages: a test here fails when an upgrade removes or reshapes one of them.
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { ClientState, Protocol, Room, SchemaSerializer, type Client } from "@colyseus/core";
import { PROTOCOL_CODE_MASK } from "@colyseus/shared-types";
import { WebSocketClient } from "@colyseus/ws-transport";
import { afterEach, describe, expect, it, vi } from "vitest";
import WebSocket, { WebSocketServer } from "ws";
import { newGolfState } from "./schema.ts";
import { coreFrameEntry, corkSocket, eventFrame, GolfSerializer, MESSAGE_FRAME, protocolCode, replaceFrameEntry, REQUEST_FRAME, stopReading, withGolfSerializer } from "./colyseus-internals.ts";

describe("Colyseus internals the room relies on", () => {
  const closers: (() => void)[] = [];
  afterEach(() => {
    for (const close of closers.splice(0)) close();
  });

  /** A real `ws` connection, seen from the server side as the ws transport wraps it. */
  async function transportClient(): Promise<{ client: Client; socket: WebSocket; peer: WebSocket }> {
    const server = new WebSocketServer({ port: 0, host: "127.0.0.1" });
    await once(server, "listening");
    const connected = once(server, "connection") as Promise<[WebSocket]>;
    const peer = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const [[socket]] = await Promise.all([connected, once(peer, "open")]);
    closers.push(() => {
      peer.close();
      server.close();
    });
    return { client: new WebSocketClient("session", socket) as unknown as Client, socket, peer };
  }

  it("every frame enters a room through Room.prototype._onMessage(client, buffer), which replaceFrameEntry overrides per class", () => {
    const entry = coreFrameEntry();
    expect(typeof entry).toBe("function");
    expect(entry.length).toBe(2);
    class Probe extends Room {}
    const ours = function () {};
    replaceFrameEntry(Probe, ours);
    expect((Probe.prototype as unknown as { _onMessage: unknown })._onMessage).toBe(ours);
    expect(coreFrameEntry()).toBe(entry);
  });

  it("a frame's protocol code is its first byte's low bits; messages and requests have their codes", () => {
    expect(PROTOCOL_CODE_MASK).toBe(31);
    expect(MESSAGE_FRAME).toBe(Protocol.ROOM_DATA);
    expect(REQUEST_FRAME).toBe(Protocol.ROOM_REQUEST);
    expect(MESSAGE_FRAME & ~PROTOCOL_CODE_MASK).toBe(0);
    expect(REQUEST_FRAME & ~PROTOCOL_CODE_MASK).toBe(0);
    expect(protocolCode(Uint8Array.of(MESSAGE_FRAME | (PROTOCOL_CODE_MASK + 1), 0))).toBe(MESSAGE_FRAME);
  });

  it("the ws transport's client keeps its `ws` socket as `ref`, whose `_socket` is the TCP socket (cork) and whose message listeners are its reading", async () => {
    const { client, socket } = await transportClient();
    expect(client.ref).toBe(socket);
    const tcp = (socket as unknown as { _socket: { writableCorked: number } })._socket;
    const corked = corkSocket(client);
    expect(corked).toBe(tcp);
    expect(tcp.writableCorked).toBe(1);
    corked!.uncork();
    expect(tcp.writableCorked).toBe(0);
    // Core reads a joined client through a "message" listener on `ref` (Room._onJoin).
    expect((Room.prototype as unknown as { _onJoin: () => void })._onJoin.toString()).toMatch(/ref\.on\("message"/);
    socket.on("message", () => undefined);
    stopReading(client);
    expect(socket.listenerCount("message")).toBe(0);
  });

  it("an event frame encoded once (eventFrame, sent with enqueueRaw) reaches a client byte for byte as client.send(\"event\", ...) sends it", async () => {
    const { client, peer } = await transportClient();
    const received: Buffer[] = [];
    peer.on("message", (data: Buffer) => received.push(data));
    (client as unknown as { state: number }).state = ClientState.JOINED;
    const message = { seq: 7, type: "drew", seat: 1, data: { source: "deck" }, rid: "r1" };
    client.send("event", message);
    client.enqueueRaw(eventFrame(message));
    await vi.waitFor(() => expect(received).toHaveLength(2));
    expect(received[1]!.equals(received[0]!)).toBe(true);
  });

  it("SchemaSerializer keeps each view's patch in the Map `encodedViews` and flags filters in `hasFilters`, which GolfSerializer renews", () => {
    expect(SchemaSerializer.prototype.applyPatches.toString()).toContain("encodedViews");
    const serializer = withGolfSerializer(new SchemaSerializer());
    expect(serializer).toBeInstanceOf(GolfSerializer);
    expect(withGolfSerializer(serializer)).toBe(serializer);
    serializer.reset(newGolfState());
    const fields = serializer as unknown as { encodedViews: unknown; hasFilters: unknown };
    expect(fields.encodedViews).toBeInstanceOf(Map);
    // The golf state has view-only fields (the drawn card, hidden cards).
    expect(fields.hasFilters).toBe(true);
    const before = fields.encodedViews as Map<unknown, unknown>;
    // A patch was encoded for some view: the Map that held it is replaced by a new one.
    before.set(new Object(), new Uint8Array(1));
    serializer.applyPatches([]);
    expect(fields.encodedViews).toBeInstanceOf(Map);
    expect(fields.encodedViews).not.toBe(before);
  });
});
