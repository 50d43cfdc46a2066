// Who is connected to a room and which player each connection holds: the viewers, the client of
// each player at the table, the players away from the table, the seat tokens, and what each client's
// StateView shows (its own seat's hidden cards and drawn card). Connections follow players, not seat
// indices: a seat index is looked up in the engine's state whenever it is needed, so when the start
// closes up the seats (the engine's `started` event) nothing here has to be renumbered.
import { StateView } from "@colyseus/schema";
import { ServerError, type Client } from "@colyseus/core";
import type { GameState } from "../../shared/golf/index.ts";
import type { SeatTokens } from "../store/index.ts";
import { hashToken, newSeatToken } from "./codes.ts";
import type { Viewer } from "./intake.ts";
import { describeIssues, joinOptionsSchema } from "../../shared/protocol/index.ts";
import { accountOf } from "./join-account.ts";
import type { GolfStateSchema, SeatSchema } from "./schema.ts";

/**
 * What a join is: a new player (who takes a free seat; `userId` when signed in), a player back with
 * their token or their account, or a spectator.
 */
export type JoinAuth = { kind: "join"; name: string; userId?: string } | { kind: "rejoin"; seat: number; token: string } | { kind: "spectator" };

const LEGACY_SEAT = "seat ";

/**
 * The player a seat holds, as the room follows them: the player id its `seatTaken` event named or,
 * in a game logged before player ids, the seat's index ("seat 2"), as its seat-indexed tokens name
 * it (such a game still in its lobby when it is recovered does not move its old players' connections
 * at the start). "" when the seat holds no human.
 */
export function playerAt(game: GameState, seat: number): string {
  const player = game.seats[seat];
  if (!player || player.kind !== "human") return "";
  return player.playerId || LEGACY_SEAT + seat;
}

/** The seat a player holds now, or -1. */
export function seatOf(game: GameState, player: string): number {
  if (player.startsWith(LEGACY_SEAT)) {
    const seat = Number(player.slice(LEGACY_SEAT.length));
    return playerAt(game, seat) === player ? seat : -1;
  }
  return player ? game.seats.findIndex((seat) => seat.kind === "human" && seat.playerId === player) : -1;
}

export class Seating {
  /** Every connection, by session id (added by connect, taken out by disconnect). */
  readonly viewers: ReadonlyMap<string, Viewer> = new Map<string, Viewer>();
  private spectators = 0;
  /** The table policy's view of who holds a seat (read on every change). */
  private readonly presence = { has: (seat: number) => this.clientAt(seat) !== undefined, size: 0 };
  /** The client of each player at the table (playerAt). */
  private readonly clients = new Map<string, Client>();
  /** Players whose connection is gone (dropped, or not back yet after a recovery). */
  private readonly gone = new Set<string>();
  /** The seat schema each player's view shows: a player whose seat moved gets a view of the new one. */
  private readonly viewing = new Map<string, SeatSchema>();
  /** The seat each player was found at last (seatOf checks it first). */
  private readonly lastSeat = new Map<string, number>();
  /** Token hashes seen so far, and the player each one names. */
  private readonly tokens = new Map<string, string>();

  constructor(
    private readonly tokenStore: SeatTokens,
    private readonly gameId: () => string,
    private readonly game: () => GameState,
  ) {}

  /**
   * What a join asks for, from its options, its account and the table (BAD_OPTIONS, BAD_TOKEN:
   * refused). A signed-in player who holds a seat here gets it back, from any device, with no token.
   */
  async admit(rawOptions: unknown, game: GameState): Promise<JoinAuth> {
    const account = accountOf(rawOptions);
    const parsed = joinOptionsSchema.safeParse(rawOptions ?? {});
    if (!parsed.success) throw new ServerError(400, `BAD_OPTIONS: ${describeIssues(parsed.error)}`);
    const options = parsed.data;
    if (options.token) {
      const seat = await this.seatForToken(options.token, game);
      const player = seat === null ? undefined : game.seats[seat];
      if (seat === null || !player || player.kind !== "human") throw new ServerError(401, "BAD_TOKEN: that token holds no seat in this game");
      return { kind: "rejoin", seat, token: options.token };
    }
    if (options.spectate) return { kind: "spectator" };
    const own = account ? game.seats.findIndex((seat) => seat.kind === "human" && seat.playerId === account.userId) : -1;
    if (own >= 0) return { kind: "rejoin", seat: own, token: await this.issueToken(account!.userId).catch(() => "") };
    const hasFreeSeat = game.phase === "lobby" && game.seats.some((seat) => seat.kind === "empty");
    if (!hasFreeSeat) return { kind: "spectator" };
    // The name itself was checked by joinOptionsSchema (the engine's rule); only its presence is the room's.
    const name = options.name ?? account?.name;
    if (!name) throw new ServerError(400, "BAD_OPTIONS: name: a player needs a name");
    return account ? { kind: "join", name, userId: account.userId } : { kind: "join", name };
  }

  /**
   * A joined client becomes a viewer of the player at `seat` (-1: a spectator); a newer connection
   * takes a player over from an older one, which is closed.
   */
  connect(client: Client, seat: number, allowance: number, state: GolfStateSchema): Viewer {
    const player = seat >= 0 ? playerAt(this.game(), seat) : "";
    const previous = player ? this.clients.get(player) : undefined;
    if (previous && previous !== client) {
      this.disconnect(previous.sessionId);
      previous.leave(4000, "this seat was taken over by a newer connection");
    }
    const seating = this;
    const viewer: Viewer = {
      client,
      player,
      role: player ? "player" : "spectator",
      allowance,
      lastMessageAt: Date.now(),
      get seat() {
        return seating.seatOf(player);
      },
    };
    this.disconnect(client.sessionId);
    (this.viewers as Map<string, Viewer>).set(client.sessionId, viewer);
    if (viewer.role === "spectator") this.spectators++;
    if (player) {
      this.clients.set(player, client);
      this.attachView(client, player, state);
    }
    return viewer;
  }

  /** A connection is gone for good: it is no viewer any more. */
  disconnect(sessionId: string): void {
    const viewer = this.viewers.get(sessionId);
    if (!viewer) return;
    (this.viewers as Map<string, Viewer>).delete(sessionId);
    if (viewer.role === "spectator") this.spectators--;
  }

  /** The seat a player holds now, or -1 (a spectator's "" holds none). */
  seatOf(player: string): number {
    if (!player) return -1;
    // Read on every move: the seat found last time is checked first (seats move only at the start).
    const game = this.game();
    const known = this.lastSeat.get(player);
    if (known !== undefined && playerAt(game, known) === player) return known;
    const seat = seatOf(game, player);
    if (seat >= 0) this.lastSeat.set(player, seat);
    return seat;
  }

  /** The client of the seat's player, if one is connected or within its reconnection window. */
  clientAt(seat: number): Client | undefined {
    const player = playerAt(this.game(), seat);
    return player ? this.clients.get(player) : undefined;
  }

  /** The seats a client holds (connected, or within its reconnection window), as the table policy reads them. */
  seatsWithClient(): { has(seat: number): boolean; readonly size: number } {
    this.presence.size = this.clients.size;
    return this.presence;
  }

  /** The client of every player at the table. */
  playerClients(): IterableIterator<Client> {
    return this.clients.values();
  }

  /** Whether the seat's player is here. */
  isConnected(seat: number): boolean {
    const player = playerAt(this.game(), seat);
    return player !== "" && this.clients.has(player) && !this.gone.has(player);
  }

  /** Whether the seat's player's connection is gone. */
  isGone(seat: number): boolean {
    return this.gone.has(playerAt(this.game(), seat));
  }

  /** The seats whose player's connection is gone. */
  goneSeats(): number[] {
    return [...this.gone].map((player) => this.seatOf(player)).filter((seat) => seat >= 0);
  }

  /** The seat's player is away from the table: dropped, or not back yet after a recovery. */
  markGone(seat: number): void {
    const player = playerAt(this.game(), seat);
    if (player) this.gone.add(player);
  }

  /** The seat's player is back; whether they had been gone. */
  markBack(seat: number): boolean {
    return this.gone.delete(playerAt(this.game(), seat));
  }

  /** Whether `client` is the one that holds `player` (not replaced by a newer connection). */
  holds(player: string, client: Client): boolean {
    return player !== "" && this.clients.get(player) === client;
  }

  /** A player's connection came back within its window (Colyseus carries its view over). */
  reconnect(viewer: Viewer, client: Client): void {
    viewer.client = client;
    if (viewer.player) this.clients.set(viewer.player, client);
  }

  /** A player's client left for good: the player holds no connection any more. */
  release(player: string): void {
    this.clients.delete(player);
    this.viewing.delete(player);
    this.lastSeat.delete(player);
  }

  spectatorCount(): number {
    return this.spectators;
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

  /**
   * Each player's view shows the seat schema at the player's seat. The schema keeps one entry per
   * index, so when the start closes up the seats, a player whose index changed is shown the entry at
   * the new one; a player whose index did not change keeps the view it has.
   */
  followPlayers(state: GolfStateSchema): void {
    for (const [player, client] of this.clients) {
      const seatSchema = state.seats[this.seatOf(player)];
      if (seatSchema && this.viewing.get(player) !== seatSchema) {
        client.view = new StateView();
        this.attachView(client, player, state);
      }
    }
  }

  /** Lets the player's client see what only the player sees: its seat's drawn card. */
  private attachView(client: Client, player: string, state: GolfStateSchema): void {
    const seatSchema = state.seats[this.seatOf(player)];
    if (!seatSchema || !client.view) return;
    client.view.add(seatSchema);
    client.view.add(seatSchema.drawn);
    this.viewing.set(player, seatSchema);
  }
}
