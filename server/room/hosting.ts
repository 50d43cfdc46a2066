// What hosting a game on this node means beyond the game itself: the room in the node's registry and
// its gauge, the game's lease in the cluster, and the creator's place among its address's rooms
// (ROOMS_PER_ADDRESS). Given back when the game is over, handed on when the node lets it go.
import { matchMaker } from "@colyseus/core";
import type pino from "pino";
import { releaseRoom } from "./owners.ts";
import type { HostedGame, RoomServices } from "./services.ts";

export class Hosting {
  /** Set once the room counts in the golf_rooms gauge (a refused create never does). */
  private counted = false;
  /** Set when this node stopped hosting the game (another node runs it now). */
  gaveUp = false;

  constructor(
    private readonly services: RoomServices,
    private readonly gameId: () => string,
    private readonly logger: () => pino.Logger | undefined,
  ) {}

  /** The room is up: in the node's registry and its gauge. */
  opened(room: HostedGame): void {
    this.services.rooms.set(this.gameId(), room);
    this.services.metrics.rooms.inc();
    this.counted = true;
  }

  /** The game is over or abandoned: the creator's place is given back and the lease let go. */
  ended(): void {
    void this.releaseOwner();
    void this.services.cluster?.release(this.gameId(), false);
  }

  /**
   * The room is going (`over`: its game is over). Out of the gauge; the creator's place is given
   * back unless the game leaves for another node (a drain, a cut-off), which still holds it.
   */
  closing(over: boolean): void {
    if (this.counted) this.services.metrics.rooms.dec();
    if (!this.counted || over || (!this.services.cluster && !this.gaveUp)) void this.releaseOwner();
  }

  /**
   * The room is gone: out of the registry. An unfinished game leaving this node (a drain) is handed
   * to another node at once; the room's listing is removed by now, so the next host's is not deleted.
   */
  async closed(room: HostedGame, over: boolean): Promise<void> {
    const { cluster, rooms } = this.services;
    if (rooms.get(this.gameId()) === room) rooms.delete(this.gameId());
    if (cluster && !this.gaveUp) await cluster.release(this.gameId(), !over);
  }

  private async releaseOwner(): Promise<void> {
    if (!this.gameId()) return;
    await releaseRoom(matchMaker.presence, this.gameId()).catch((error: unknown) => this.logger()?.warn({ err: error }, "room owner not released"));
  }
}
