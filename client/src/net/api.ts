// The HTTP API of protocol.md (plain fetch, no SDK: the lobby uses it before anything else loads).

export interface LiveGame {
  code: string;
  gameId: string;
  phase: string;
  hole: number;
  holes: number;
  players: number;
  spectators: number;
  node?: string;
}

export interface CpuProfileInfo {
  name: string;
  style: string;
  traits: Record<string, number>;
}

/** A finished game as downloaded from GET /api/games/:gameId/export. */
export interface GolfExport {
  format: "golf-game";
  version: 1;
  game: {
    id: string;
    code: string;
    createdAt: string;
    endedAt: string | null;
    rules: Record<string, unknown>;
    holes: number;
    decks: number | null;
    seats: { name: string; kind: string; profile: string }[];
    totals: number[];
    winners: number[];
  };
  events: { seq: number; type: string; seat: number | null; at: number; data: unknown }[];
}

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
  try {
    response = await fetch(path, init);
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
  importGame: (doc: unknown) =>
    call<{ gameId: string }>("/api/games/import", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(doc) }),
  share: (gameId: string, options: { title?: string; expiresDays?: number } = {}) =>
    call<{ code: string; url: string }>(`/api/games/${encodeURIComponent(gameId)}/share`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(options),
    }),
  sharedGame: (code: string) => call<{ title: string; views: number; export: GolfExport }>(`/api/shares/${encodeURIComponent(code)}`),
};
