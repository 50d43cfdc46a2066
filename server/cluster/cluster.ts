// Several nodes sharing one Redis: who is alive, who hosts which game, and who takes over a game
// whose node died or drained. Redis holds only short-lived keys; the event store stays the truth,
// and its (game_id, seq) uniqueness fences a node that wakes up after losing its games.
//
//   golf:node:<nodeId>   heartbeat, expires when the node stops renewing it
//   golf:lease:<gameId>  the node hosting the game, expires unless renewed
//   golf:epoch           a marker without expiry: when it is missing, Redis restarted (lost every key)
//   golf:recover         pub/sub: "a game was released, take it now" (drains)
import { Redis } from "ioredis";
import type pino from "pino";

const NODE_KEY = "golf:node:";
const LEASE_KEY = "golf:lease:";
const EPOCH_KEY = "golf:epoch";
const MAX_ADOPTING = 8;
const RECOVER_CHANNEL = "golf:recover";

// Sets the lease when it is free or already ours: returns 1 when we hold it afterwards.
const ACQUIRE = `
local holder = redis.call("GET", KEYS[1])
if holder == false or holder == ARGV[1] then
  redis.call("SET", KEYS[1], ARGV[1], "PX", ARGV[2])
  return 1
end
return 0`;

// Deletes the lease only if it is ours.
const RELEASE = `
if redis.call("GET", KEYS[1]) == ARGV[1] then
  return redis.call("DEL", KEYS[1])
end
return 0`;

export interface ClusterOptions {
  redisUrl: string;
  nodeId: string;
  logger: pino.Logger;
  /** How long a lease or heartbeat lives without renewal. */
  leaseMs?: number;
  /** How often leases and the heartbeat are renewed, and orphans looked for. */
  tickMs?: number;
}

export interface OrphanCandidate {
  id: string;
  /** The node the store says hosts the game (null if none). */
  node: string | null;
}

export interface ClusterHooks {
  /** Unfinished games that might need a host. */
  candidates(): Promise<OrphanCandidate[]>;
  /** Run the game on this node; called once this node holds its lease. */
  adopt(gameId: string): Promise<void>;
  /** Another node holds a lease this node thought it had: stop hosting that game. */
  lost(gameId: string): void;
}

export class Cluster {
  readonly nodeId: string;
  private readonly redis: Redis;
  private readonly subscriber: Redis;
  private readonly leaseMs: number;
  private readonly tickMs: number;
  private readonly logger: pino.Logger;
  private readonly hosted = new Set<string>();
  private readonly adopting = new Set<string>();
  /** Until then no game is adopted: Redis just restarted and live owners must renew their leases first. */
  private graceUntil = 0;
  private timer: NodeJS.Timeout | null = null;
  private hooks: ClusterHooks | null = null;
  private draining = false;
  private ticking = false;

  constructor(options: ClusterOptions) {
    this.nodeId = options.nodeId;
    // Long enough that a node starved of CPU for a few seconds keeps its games; short enough that a
    // dead node's games are back within seconds.
    this.leaseMs = options.leaseMs ?? 4000;
    this.tickMs = options.tickMs ?? 500;
    this.logger = options.logger.child({ part: "cluster" });
    // Keep retrying while Redis is away; commands wait in the offline queue meanwhile.
    const redisOptions = { maxRetriesPerRequest: 2, retryStrategy: (attempt: number) => Math.min(attempt * 200, 2000) };
    this.redis = new Redis(options.redisUrl, redisOptions);
    this.subscriber = new Redis(options.redisUrl, redisOptions);
    for (const connection of [this.redis, this.subscriber]) connection.on("error", (error) => this.logger.debug({ err: error }, "redis"));
  }

  async start(hooks: ClusterHooks): Promise<void> {
    this.hooks = hooks;
    await this.heartbeat();
    await this.subscriber.subscribe(RECOVER_CHANNEL);
    // A drained game: look at once instead of at the next tick.
    this.subscriber.on("message", () => void this.tick());
    this.timer = setInterval(() => void this.tick(), this.tickMs);
    // The first scan, and the adoptions it starts (this node's own games after a restart), finish
    // before the node takes joins.
    await this.tick();
    for (let waited = 0; this.adopting.size > 0 && waited < 15_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
  }

  /** Claims a new or recovered game for this node. */
  async acquire(gameId: string): Promise<boolean> {
    const won = (await this.redis.eval(ACQUIRE, 1, LEASE_KEY + gameId, this.nodeId, String(this.leaseMs))) === 1;
    if (won) this.hosted.add(gameId);
    return won;
  }

  /** Gives a game up (it ended, or this node drains) and, when asked, tells the others to take it. */
  async release(gameId: string, handOff: boolean): Promise<void> {
    this.hosted.delete(gameId);
    try {
      await this.redis.eval(RELEASE, 1, LEASE_KEY + gameId, this.nodeId);
      if (handOff) await this.redis.publish(RECOVER_CHANNEL, gameId);
    } catch (error) {
      this.logger.warn({ err: error, gameId }, "lease not released; it will expire");
    }
  }

  async otherNodes(): Promise<string[]> {
    const nodes: string[] = [];
    let cursor = "0";
    do {
      const [next, keys] = await this.redis.scan(cursor, "MATCH", `${NODE_KEY}*`, "COUNT", 100);
      cursor = next;
      for (const key of keys) if (key !== NODE_KEY + this.nodeId) nodes.push(key.slice(NODE_KEY.length));
    } while (cursor !== "0");
    return nodes.sort();
  }

  async healthy(): Promise<boolean> {
    try {
      return (await this.redis.ping()) === "PONG";
    } catch {
      return false;
    }
  }

  /** Stops adopting games (this node is leaving); its heartbeat goes, so others stop counting on it. */
  async drain(): Promise<void> {
    this.draining = true;
    await this.redis.del(NODE_KEY + this.nodeId).catch(() => undefined);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.redis.del(NODE_KEY + this.nodeId).catch(() => undefined);
    this.subscriber.disconnect();
    this.redis.disconnect();
  }

  private async heartbeat(): Promise<void> {
    if (!this.draining) await this.redis.set(NODE_KEY + this.nodeId, String(Date.now()), "PX", this.leaseMs);
  }

  /** Renews what this node holds, then looks for games whose node is gone. */
  private async tick(): Promise<void> {
    if (this.ticking || !this.hooks) return;
    this.ticking = true;
    try {
      await this.heartbeat();
      await this.checkEpoch();
      // Every renewal in one round trip.
      const games = [...this.hosted];
      const pipeline = this.redis.pipeline();
      for (const gameId of games) pipeline.eval(ACQUIRE, 1, LEASE_KEY + gameId, this.nodeId, String(this.leaseMs));
      const results = games.length > 0 ? ((await pipeline.exec()) ?? []) : [];
      games.forEach((gameId, index) => {
        const [error, held] = results[index] ?? [null, 0];
        if (error || held === 1) return;
        this.hosted.delete(gameId);
        this.logger.warn({ gameId }, "another node holds this game now");
        this.hooks!.lost(gameId);
      });
      if (!this.draining && Date.now() >= this.graceUntil) await this.adoptOrphans();
    } catch (error) {
      this.logger.debug({ err: error }, "cluster tick failed (Redis or the store is away); retrying");
    } finally {
      this.ticking = false;
    }
  }

  /**
   * After a Redis restart every lease and heartbeat is gone at once, though their nodes are alive: the
   * missing epoch marker says so, and adoption waits until live owners have renewed.
   */
  private async checkEpoch(): Promise<void> {
    if ((await this.redis.set(EPOCH_KEY, String(Date.now()), "NX")) === "OK" && this.started) {
      this.graceUntil = Date.now() + 2 * this.leaseMs;
      this.logger.warn("Redis lost its keys (restarted?): adoption paused while live nodes renew their leases");
    }
    this.started = true;
  }
  private started = false;

  /** A game is orphaned when nobody holds its lease and the node the store names is not alive. */
  private async adoptOrphans(): Promise<void> {
    const candidates = (await this.hooks!.candidates()).filter((game) => !this.hosted.has(game.id) && !this.adopting.has(game.id));
    if (candidates.length === 0) return;
    const leases = await this.redis.mget(candidates.map((game) => LEASE_KEY + game.id));
    const owners = [...new Set(candidates.map((game) => game.node).filter((node): node is string => !!node && node !== this.nodeId))];
    const alive = new Set<string>();
    if (owners.length > 0) {
      const beats = await this.redis.mget(owners.map((node) => NODE_KEY + node));
      owners.forEach((node, index) => beats[index] !== null && alive.add(node));
    }
    const orphaned = candidates.filter((game, index) => leases[index] === null && !(game.node && alive.has(game.node)));
    for (const game of orphaned) {
      // A few at a time, so the first games are back quickly instead of all of them late.
      if (this.adopting.size >= MAX_ADOPTING) break;
      if (!(await this.acquire(game.id))) continue;
      this.adopting.add(game.id);
      this.hooks!.adopt(game.id)
        .catch(async (error) => {
          this.logger.error({ err: error, gameId: game.id }, "could not adopt a game");
          await this.release(game.id, false);
        })
        .finally(() => {
          this.adopting.delete(game.id);
          void this.tick();
        });
    }
  }
}
