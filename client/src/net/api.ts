// The HTTP API of docs/protocol.md and platform.md's players' routes (plain fetch, no SDK: the lobby
// uses it before anything else loads). Every call carries the session, when there is one: a private
// game's replay and the player's own pages need it.

// The bodies are the contract's (type-only: erased from the bundle, zod stays out of it).
import type { CpuProfileInfo, GolfExport, ImportAnswer, LiveGame, ShareAnswer, SharedGame, ShareRequest } from "../../../shared/protocol/index.ts";
import type { LeaderboardAnswer, LeaderboardMetricName, LeaderboardPeriodName, MeAnswer, MyGamesAnswer, ProfileAnswer } from "../../../shared/protocol/players.ts";
import { savedName } from "../prefs.ts";
import { ensureSession, sessionToken } from "./account.ts";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

async function call<T>(path: string, init?: RequestInit): Promise<T> {
  let response: Response;
  const token = sessionToken();
  const headers = new Headers(init?.headers);
  if (token) headers.set("authorization", `Bearer ${token}`);
  try {
    response = await fetch(path, { ...init, headers });
  } catch {
    throw new ApiError(0, "the server cannot be reached");
  }
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = text;
  }
  if (!response.ok) {
    const message =
      body && typeof body === "object" && "error" in body
        ? String((body as { error: unknown }).error)
        : body && typeof body === "object" && "message" in body
          ? String((body as { message: unknown }).message)
          : typeof body === "string" && body.length < 200 && body
            ? body
            : `${response.status} ${response.statusText}`;
    throw new ApiError(response.status, message);
  }
  return body as T;
}

export const api = {
  liveGames: () => call<LiveGame[]>("/api/games/live"),
  cpuProfiles: () => call<CpuProfileInfo[]>("/api/cpu-profiles"),
  exportOf: (gameId: string) => call<GolfExport>(`/api/games/${encodeURIComponent(gameId)}/export`),
  // An imported game belongs to its importer: a browser without a session becomes a guest first.
  importGame: async (doc: unknown) => {
    await ensureSession(savedName() || "Guest");
    return call<ImportAnswer>("/api/games/import", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(doc) });
  },
  share: (gameId: string, options: ShareRequest = {}) =>
    call<ShareAnswer>(`/api/games/${encodeURIComponent(gameId)}/share`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(options),
    }),
  sharedGame: (code: string) => call<SharedGame>(`/api/shares/${encodeURIComponent(code)}`),
  leaderboard: (metric: LeaderboardMetricName, period: LeaderboardPeriodName, cursor?: string | null) =>
    call<LeaderboardAnswer>(`/api/leaderboards/${metric}?${new URLSearchParams({ period, ...(cursor ? { cursor } : {}) })}`),
  me: () => call<MeAnswer>("/api/me"),
  myGames: (status: "active" | "finished", cursor?: string | null) =>
    call<MyGamesAnswer>(`/api/me/games?${new URLSearchParams({ status, ...(cursor ? { cursor } : {}) })}`),
  profile: (name: string) => call<ProfileAnswer>(`/api/users/${encodeURIComponent(name)}`),
};
