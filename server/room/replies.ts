// What the room sends: replies to one client, each viewer's projection of committed events, and the
// events a returning client missed.
import type { Client } from "@colyseus/core";
import type pino from "pino";
import { projectEvent, seenBetterBy, type GameEvent } from "../../shared/golf/index.ts";
import type { EventLog, StoredEvent } from "../store/index.ts";
import { toGameEvent } from "./commit.ts";
import { corkSocket, eventFrame } from "./colyseus-internals.ts";
import type { Viewer } from "./intake.ts";

/** The client a move came from and its request id, which only that client's events carry back. */
export interface Origin {
  client: Client;
  rid?: string | number;
}

/** Sends one message to one client; an undefined `rid` is left out. */
export function reply(client: Client, type: string, message: Record<string, unknown>): void {
  if (message.rid === undefined) delete message.rid;
  client.send(type, message);
}

/** Tells each client that its game goes on elsewhere or later: an UNAVAILABLE error saying to rejoin with its token. */
export function sendRejoin(clients: Iterable<Client>, message: string): void {
  for (const client of clients) reply(client, "error", { code: "UNAVAILABLE", message });
}

/** Who a viewer is, for projectEvent: its seat, or a spectator. */
function seenBy(viewer: Viewer | undefined): number | "spectator" {
  return viewer && viewer.seat >= 0 ? viewer.seat : "spectator";
}

/**
 * Pushes the state patch (`pushPatch`), then sends each viewer its projection of `events`, numbered
 * from `firstSeq`. The patch and the events leave in one write per client, not one per frame. Each
 * event is encoded once for everyone who sees it alike: once for all, once more for the seat that
 * sees more of it (seenBetterBy), and once for the sender, whose copy carries its rid.
 */
export function sendEvents(viewers: ReadonlyMap<string, Viewer>, events: GameEvent[], firstSeq: number, pushPatch: () => void, origin?: Origin): void {
  const sockets: { uncork(): void }[] = [];
  for (const viewer of viewers.values()) {
    const socket = corkSocket(viewer.client);
    if (socket) sockets.push(socket);
  }
  pushPatch();
  const rid = origin?.rid;
  for (let index = 0; index < events.length; index++) {
    const e = events[index]!;
    const seq = firstSeq + index;
    const better = seenBetterBy(e);
    let forAll: Uint8Array | undefined;
    let forBetter: Uint8Array | undefined;
    for (const viewer of viewers.values()) {
      const client = viewer.client;
      const seesBetter = better !== null && viewer.seat === better;
      if (rid !== undefined && origin!.client === client) {
        client.enqueueRaw(eventFrame({ seq, ...projectEvent(e, seesBetter ? better : "spectator"), rid }));
      } else if (seesBetter) {
        client.enqueueRaw((forBetter ??= eventFrame({ seq, ...projectEvent(e, better) })));
      } else {
        client.enqueueRaw((forAll ??= eventFrame({ seq, ...projectEvent(e, "spectator") })));
      }
    }
  }
  for (const socket of sockets) socket.uncork();
}

/** Where a catch-up reads the events the room does not hold. */
export interface CatchUpSource {
  log: EventLog;
  gameId: string;
  /** The game's last committed seq. */
  upTo: number;
  logger?: pino.Logger;
}

/**
 * Sends the events after `sinceSeq`, projected for this viewer, so a returning client misses
 * nothing. `inHand`: events the caller has just committed (from `firstSeq` on); when they cover what
 * is asked they are sent as they are, otherwise the events come from the store (the room keeps no
 * copy of its log: memory per game).
 */
export async function sendSince(client: Client, viewer: Viewer | undefined, sinceSeq: number, inHand: { firstSeq: number; events: GameEvent[] }, source: CatchUpSource): Promise<void> {
  const { upTo } = source;
  if (sinceSeq >= upTo) return;
  const seen = seenBy(viewer);
  if (sinceSeq >= inHand.firstSeq - 1 && inHand.firstSeq + inHand.events.length - 1 === upTo) {
    for (let seq = sinceSeq + 1; seq <= upTo; seq++) client.send("event", { seq, ...projectEvent(inHand.events[seq - inHand.firstSeq]!, seen) });
    return;
  }
  let missed: StoredEvent[];
  try {
    missed = await source.log.loadSince(source.gameId, sinceSeq);
  } catch (error) {
    source.logger?.warn({ err: error }, "missed events not loaded");
    reply(client, "error", { code: "UNAVAILABLE", message: `the events after seq ${sinceSeq} could not be loaded: rejoin to get them` });
    return;
  }
  for (const stored of missed) {
    if (stored.seq > upTo) break;
    client.send("event", { seq: stored.seq, ...projectEvent(toGameEvent(stored), seen) });
  }
}
