// The HTTP API of docs/protocol.md (plain fetch, no SDK: the lobby uses it before anything else loads).

// The bodies are the contract's (type-only: erased from the bundle, zod stays out of it).
import type { AuthAnswer, CpuProfileInfo, GolfExport, ImportAnswer, LiveGame, ShareAnswer, SharedGame, ShareRequest } from "../../../shared/protocol/index.ts";

// The session token, where the SDK's client.auth keeps it (docs/accounts.md): sent with every API
// call, so a private game's replay opens to its players; an import needs one (docs/http.md).
const TOKEN_KEY = "colyseus-auth-token";

function sessionToken(): string | null {
  try {
    return localStorage.getItem(TOKEN_KEY) || null;
  } catch {
    return null; // storage refused (private mode): no session
  }
}

/** The browser's session, signing in as a guest first when it has none (platform.md: a guest on first visit). */
async function ensureSession(): Promise<void> {
  if (sessionToken()) return;
  const answer = await call<AuthAnswer>("/auth/anonymous", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ options: { name: "Guest" } }) });
  localStorage.setItem(TOKEN_KEY, answer.token);
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

async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  const token = sessionToken();
  if (token && !headers.has("authorization")) headers.set("authorization", `Bearer ${token}`);
  let response: Response;
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
  importGame: async (doc: unknown) => {
    await ensureSession();
    return call<ImportAnswer>("/api/games/import", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(doc) });
  },
  share: (gameId: string, options: ShareRequest = {}) =>
    call<ShareAnswer>(`/api/games/${encodeURIComponent(gameId)}/share`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(options),
    }),
  sharedGame: (code: string) => call<SharedGame>(`/api/shares/${encodeURIComponent(code)}`),
};
