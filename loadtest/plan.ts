// How clients are grouped into games and spread over load processes. Shared by the runner and the
// bot so both agree on who creates which game and which node each client talks to.

export const PACES = ["human", "fast", "spectator"] as const;
export type Pace = (typeof PACES)[number];

/** Players per game under human and fast pace: four bots, no CPUs. */
export const PLAYERS_PER_GAME = 4;
/** Under spectator pace a game is one bot host, three CPUs and this many spectator bots. */
export const SPECTATORS_PER_GAME = 7;
/** A load process gets at most this many clients by default. */
export const CLIENTS_PER_PROCESS = 500;

export function groupSize(pace: Pace): number {
  return pace === "spectator" ? 1 + SPECTATORS_PER_GAME : PLAYERS_PER_GAME;
}

/**
 * Clients per load process: whole games only (a game never spans two processes, so its members
 * can share its join code in memory), as even as possible.
 */
export function spreadClients(clients: number, size: number, processes?: number): number[] {
  if (!Number.isInteger(clients) || clients < size || clients % size !== 0) {
    throw new Error(`--clients must be a positive multiple of ${size} (the clients of one game)`);
  }
  const games = clients / size;
  const count = processes ?? Math.ceil(clients / CLIENTS_PER_PROCESS);
  if (!Number.isInteger(count) || count < 1) throw new Error("--processes must be a positive whole number");
  const used = Math.min(count, games);
  return Array.from({ length: used }, (_, index) => {
    const gamesHere = Math.floor(games / used) + (index < games % used ? 1 : 0);
    return gamesHere * size;
  });
}

/** Where client `globalIndex` of a game of `size` sits: its game, and whether it creates it. */
export function seatOf(globalIndex: number, size: number): { game: number; member: number; creator: boolean } {
  const game = Math.floor(globalIndex / size);
  const member = globalIndex % size;
  return { game, member, creator: member === 0 };
}

/**
 * The node a client talks to. Creators spread games over the nodes by game index; the others use
 * their own index, so most joins by code go through a node that does not hold the room and the
 * matchmaker has to route them.
 */
export function endpointIndex(globalIndex: number, size: number, nodes: number): number {
  const { game, creator } = seatOf(globalIndex, size);
  return (creator ? game : globalIndex) % nodes;
}

/** Load tests target this machine only. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}
