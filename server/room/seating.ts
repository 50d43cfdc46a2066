// Who is connected to a room and which seat each connection plays: the viewers, the client holding
// each seat, the seats whose player is away from the table, the seat tokens, and what each client's
// StateView shows (its own seat's hidden cards and drawn card).
import { StateView } from "@colyseus/schema";
import { ServerError, type Client } from "@colyseus/core";
import type { GameState } from "../../shared/golf/index.ts";
import type { SeatTokens } from "../store/index.ts";
import { hashToken, newSeatToken } from "./codes.ts";
import type { Viewer } from "./intake.ts";
import { describeIssues, joinOptionsSchema } from "../../shared/protocol/index.ts";
import type { GolfStateSchema } from "./schema.ts";

/** What a join is: a new player (who takes a free seat), a player back with their token, or a spectator. */
export type JoinAuth = { kind: "join"; name: string } | { kind: "rejoin"; seat: number; token: string } | { kind: "spectator" };

export class Seating {
  /** Every connection, by session id. */
  readonly viewers = new Map<string, Viewer>();
  /** The client that holds each seat. */
  readonly seatClients = new Map<number, Client>();
  /** Seats whose player's connection is gone (dropped, or not back yet after a recovery). */
  readonly disconnectedSeats = new Set<number>();
  /** Token hashes seen so far, and the player each one names. */
  private readonly tokens = new Map<string, string>();

  constructor(
    private readonly tokenStore: SeatTokens,
    private readonly gameId: () => string,
  ) {}

  /** What a join asks for, from its options and the table (BAD_OPTIONS, BAD_TOKEN: refused). */
  async admit(rawOptions: unknown, game: GameState): Promise<JoinAuth> {
    const parsed = joinOptionsSchema.safeParse(rawOptions ?? {});
    if (!parsed.success) throw new ServerError(400, `BAD_OPTIONS: ${describeIssues(parsed.error)}`);
    const options = parsed.data;
    if (options.token) {
      const seat = await this.seatForToken(options.token, game);
      const player = seat === null ? undefined : game.seats[seat];
      if (seat === null || !player || player.kind !== "human") throw new ServerError(401, "BAD_TOKEN: that token holds no seat in this game");
      return { kind: "rejoin", seat, token: options.token };
    }
    const hasFreeSeat = game.phase === "lobby" && game.seats.some((seat) => seat.kind === "empty");
    if (options.spectate || !hasFreeSeat) return { kind: "spectator" };
    // The name itself was checked by joinOptionsSchema (the engine's rule); only its presence is the room's.
    if (!options.name) throw new ServerError(400, "BAD_OPTIONS: name: a player needs a name");
    return { kind: "join", name: options.name };
  }

  /**
   * A joined client becomes a viewer of `seat` (-1: a spectator); a newer connection takes a seat
   * over from an older one, which is closed.
   */
  connect(client: Client, seat: number, allowance: number, state: GolfStateSchema): Viewer {
    const previous = this.seatClients.get(seat);
    if (seat >= 0 && previous && previous !== client) {
      this.viewers.delete(previous.sessionId);
      previous.leave(4000, "this seat was taken over by a newer connection");
    }
    const viewer: Viewer = { client, seat, role: seat >= 0 ? "player" : "spectator", allowance, lastMessageAt: Date.now() };
    this.viewers.set(client.sessionId, viewer);
    if (seat >= 0) {
      this.seatClients.set(seat, client);
      this.attachView(client, seat, state);
    }
    return viewer;
  }

  /** Whether the seat's player is here. */
  isConnected(seat: number): boolean {
    return this.seatClients.has(seat) && !this.disconnectedSeats.has(seat);
  }

  spectatorCount(): number {
    let spectators = 0;
    for (const viewer of this.viewers.values()) if (viewer.role === "spectator") spectators++;
    return spectators;
  }

  /**
   * The seat of the player a token names: the seat whose player id (from its seatTaken event) is the
   * one stored for the token, wherever that seat is now. Null when no seat is that player's.
   */
  async seatForToken(token: string, game: GameState): Promise<number | null> {
    const hash = hashToken(token);
    let playerId = this.tokens.get(hash) ?? null;
    if (playerId === null) {
      playerId = await this.tokenStore.playerForToken(this.gameId(), hash).catch(() => null);
      if (playerId !== null) this.tokens.set(hash, playerId);
    }
    if (playerId !== null) {
      const seat = game.seats.findIndex((player) => player.kind === "human" && player.playerId === playerId);
      return seat >= 0 ? seat : null;
    }
    // A game logged before player ids: its tokens name a seat index, and only a seat without a
    // player id can be taken back that way.
    const legacy = await this.tokenStore.seatForToken(this.gameId(), hash).catch(() => null);
    return legacy !== null && game.seats[legacy]?.playerId === "" ? legacy : null;
  }

  /** A new token for a player who just took a seat; rejects when it could not be stored. */
  async issueToken(playerId: string): Promise<string> {
    const token = newSeatToken();
    await this.tokenStore.setPlayerToken(this.gameId(), playerId, hashToken(token));
    this.tokens.set(hashToken(token), playerId);
    return token;
  }

  /** A player left their seat in the lobby: their tokens open nothing any more. */
  async forgetTokens(playerId: string, seat: number): Promise<void> {
    this.tokens.forEach((tokenPlayer, hash) => tokenPlayer === playerId && this.tokens.delete(hash));
    if (playerId) await this.tokenStore.clearPlayerTokens(this.gameId(), playerId).catch(() => undefined);
    else await this.tokenStore.clearSeatToken(this.gameId(), seat).catch(() => undefined);
  }

  /** Lets the seat's client see what only the seat's player sees. */
  attachView(client: Client, seat: number, state: GolfStateSchema): void {
    const seatSchema = state.seats[seat];
    if (!seatSchema || !client.view) return;
    client.view.add(seatSchema);
    client.view.add(seatSchema.drawn);
  }

  /** After `started` the seats are re-indexed (empty seats dropped): follow each player to its new index. */
  reattachViews(order: number[], state: GolfStateSchema): void {
    const moved = new Map<number, Client>();
    const reseated: [number, Client][] = [];
    order.forEach((oldSeat, newSeat) => {
      const client = this.seatClients.get(oldSeat);
      if (client) moved.set(newSeat, client);
      if (client && newSeat !== oldSeat) reseated.push([newSeat, client]);
    });
    // Tokens name players, not seat indices: nothing to move.
    this.seatClients.clear();
    for (const [seat, client] of moved) this.seatClients.set(seat, client);
    // A player whose index is unchanged keeps its view: it still holds the same seat's schema.
    for (const [seat, client] of reseated) {
      const viewer = this.viewers.get(client.sessionId);
      if (viewer) viewer.seat = seat;
      client.view = new StateView();
      this.attachView(client, seat, state);
    }
  }
}
