// Who may see a game's replay (its export, its share links) and share it (platform.md, Replays): a
// public game's, anyone; a private game's, its players (the users seated in it, or its importer)
// and admins, 401 without a session and 403 for anyone else. A player who played without signing in
// (an SDK client, a bot) shows the seat token its welcome gave it instead: `X-Seat-Token`.
import type { Request } from "express";
import type { GameRecord, GolfExport, Store } from "../store/index.ts";
import type { AccountService } from "../accounts/service.ts";
import { hashToken } from "../room/codes.ts";
import { HttpError } from "./errors.ts";
import { viewerOf } from "./viewer.ts";

/** The game's record once the request may see its replay; HttpError 401/403 otherwise. */
export async function checkReplayAccess(req: Request, deps: { store: Store; accounts: AccountService }, gameId: string, what: string): Promise<GameRecord> {
  const record = await deps.store.games.get(gameId);
  if (!record.private) return record;
  if (await holdsSeatToken(req, deps.store, gameId)) return record;
  const viewer = await viewerOf(req, deps.accounts);
  if (!viewer) throw new HttpError(401, `${what} is open to its players only: sign in`, {}, { "WWW-Authenticate": "Bearer" });
  if (viewer.admin || (await deps.store.games.isPlayer(gameId, viewer.user.id))) return record;
  throw new HttpError(403, `${what} is open to its players only`);
}

/** Whether the request's X-Seat-Token is the token of one of the game's players. */
async function holdsSeatToken(req: Request, store: Store, gameId: string): Promise<boolean> {
  const token = req.headers["x-seat-token"];
  if (typeof token !== "string" || token.length === 0 || token.length > 200) return false;
  const hash = hashToken(token);
  return (await store.tokens.playerForToken(gameId, hash)) !== null || (await store.tokens.seatForToken(gameId, hash)) !== null;
}

/** The export, saying who imported it when the game was imported rather than played here. */
export async function importedNote(store: Store, record: GameRecord, doc: GolfExport): Promise<GolfExport> {
  if (!record.imported) return doc;
  const by = record.importedBy;
  const name = by ? (await store.stats.names([by])).get(by) : undefined;
  return { ...doc, game: { ...doc.game, imported: { by: by && name !== undefined ? { id: by, name } : null } } };
}
