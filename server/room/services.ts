// What a room needs from its node. The node makes a room class of its own with them
// (golfRoomFor in GolfRoom.ts), so several nodes in one process never share them.
import type pino from "pino";
import type { Cluster } from "../cluster/cluster.ts";
import type { Limits } from "../limits.ts";
import type { NodeMetrics } from "../metrics.ts";
import type { Store } from "../store/index.ts";
import type { SessionChecker } from "./join-account.ts";

/** The part of a room its node reaches: to hand its game to another node. */
export interface HostedGame {
  giveUp(reason: string): void;
}

export interface RoomServices {
  store: Store;
  metrics: NodeMetrics;
  logger: pino.Logger;
  nodeId: string;
  /** Guards the recovery option: only this process can ask a room to recover a game. */
  recoverySecret: string;
  holeIntervalMs: number;
  reconnectSeconds: number;
  lobbyIdleMs: number;
  abandonAfterMs: number;
  /** When set, the default CPU pacing of new rooms (tests and load tests use 0). */
  defaultCpuDelayMs?: number;
  /** Present when several nodes share Redis: leases decide which node runs a game. */
  cluster?: Cluster;
  /** The rooms of this node, by game id. */
  rooms: Map<string, HostedGame>;
  /** Checks the session token of a signed-in join (the node's accounts). */
  accounts: SessionChecker;
  /** Limits on abuse (server/limits.ts). */
  limits: Limits;
  /** How long a created lobby waits for its creator to take the seat (default: the seat reservation's time and 5 s). */
  unclaimedLobbyMs?: number;
}
