// Accounts on PostgreSQL: `users` (guests, registered players, deleted accounts), `sessions`,
// `auth_secrets` and `user_merges` (migrations/0004_accounts.sql). Usernames and emails are unique
// ignoring case by partial unique indexes, so two registrations at once cannot both take one.
import type pg from "pg";
import type { Database } from "./database.ts";
import { EmailTakenError, UsernameTakenError } from "./errors.ts";
import { sqlState } from "./pg-errors.ts";
import type { Accounts, NewAccount, SessionRecord, UserRecord } from "./types.ts";

interface UserRow {
  id: string;
  name: string;
  username: string | null;
  email: string | null;
  password_hash: string | null;
  guest: boolean;
  created_at: Date;
  confirmed_at: Date | null;
  admin: boolean;
  ban_reason: string | null;
  banned_at: Date | null;
  banned_until: Date | null;
  deleted_at: Date | null;
}

interface SessionRow {
  id: string;
  user_id: string;
  created_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
}

const ms = (date: Date | null): number | null => (date === null ? null : date.getTime());

function toUser(row: UserRow): UserRecord {
  return {
    id: row.id,
    name: row.name,
    username: row.username,
    email: row.email,
    passwordHash: row.password_hash,
    guest: row.guest,
    createdAt: row.created_at.getTime(),
    confirmedAt: ms(row.confirmed_at),
    admin: row.admin,
    ban: row.banned_at ? { reason: row.ban_reason ?? "", since: row.banned_at.getTime(), until: ms(row.banned_until) } : null,
    deletedAt: ms(row.deleted_at),
  };
}

function toSession(row: SessionRow): SessionRecord {
  return { id: row.id, userId: row.user_id, createdAt: row.created_at.getTime(), expiresAt: row.expires_at.getTime(), revokedAt: ms(row.revoked_at) };
}

/** A unique violation on the username or email index as the typed error; anything else as it is. */
function takenError(err: unknown, account: NewAccount): unknown {
  if (sqlState(err) !== "23505") return err;
  const constraint = (err as { constraint?: string }).constraint;
  if (constraint === "users_username") return new UsernameTakenError(account.username);
  if (constraint === "users_email") return new EmailTakenError(account.email);
  return err;
}

const LIVE = "deleted_at IS NULL";
/** The games a user took a seat in: their seatTaken events (the partial index game_events_user_seats, migration 0005). */
const USER_SEATS = "FROM game_events WHERE type = 'seatTaken' AND data ? 'userId' AND data ->> 'userId' = $1";

export class PgAccounts implements Accounts {
  constructor(private readonly db: Database) {}

  private now(): Date {
    return new Date(this.db.clock());
  }

  async secret(name: string, generate: () => string): Promise<string> {
    // Every node starting at once offers its own; the first insert wins and all read it back.
    await this.db.query("offerSecret", "INSERT INTO auth_secrets (name, secret, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING", [name, generate(), this.now()]);
    const { rows } = await this.db.query<{ secret: string }>("readSecret", "SELECT secret FROM auth_secrets WHERE name = $1", [name]);
    return rows[0]!.secret;
  }

  async createGuest(id: string, name: string): Promise<UserRecord> {
    const { rows } = await this.db.query<UserRow>("createGuest", "INSERT INTO users (id, name, guest, created_at) VALUES ($1, $2, true, $3) RETURNING *", [id, name, this.now()]);
    return toUser(rows[0]!);
  }

  async createAccount(id: string, account: NewAccount): Promise<UserRecord> {
    try {
      const { rows } = await this.db.query<UserRow>(
        "createAccount",
        "INSERT INTO users (id, name, username, email, password_hash, guest, created_at) VALUES ($1, $2, $2, $3, $4, false, $5) RETURNING *",
        [id, account.username, account.email, account.passwordHash, this.now()],
      );
      return toUser(rows[0]!);
    } catch (err) {
      throw takenError(err, account);
    }
  }

  async upgradeGuest(guestId: string, account: NewAccount): Promise<UserRecord | null> {
    try {
      const { rows } = await this.db.query<UserRow>(
        "upgradeGuest",
        `UPDATE users SET name = $2, username = $2, email = $3, password_hash = $4, guest = false WHERE id = $1 AND guest AND ${LIVE} RETURNING *`,
        [guestId, account.username, account.email, account.passwordHash],
      );
      return rows[0] ? toUser(rows[0]) : null;
    } catch (err) {
      throw takenError(err, account);
    }
  }

  private async oneUser(what: string, where: string, value: string): Promise<UserRecord | null> {
    const { rows } = await this.db.query<UserRow>(what, `SELECT * FROM users WHERE ${where} AND ${LIVE}`, [value]);
    return rows[0] ? toUser(rows[0]) : null;
  }

  byId(id: string): Promise<UserRecord | null> {
    return this.oneUser("userById", "id = $1", id);
  }

  byEmail(email: string): Promise<UserRecord | null> {
    return this.oneUser("userByEmail", "lower(email) = lower($1)", email);
  }

  byUsername(username: string): Promise<UserRecord | null> {
    return this.oneUser("userByUsername", "lower(username) = lower($1)", username);
  }

  async setPasswordHash(userId: string, passwordHash: string): Promise<void> {
    await this.db.query("setPassword", `UPDATE users SET password_hash = $2 WHERE id = $1 AND NOT guest AND ${LIVE}`, [userId, passwordHash]);
  }

  async confirmEmail(email: string): Promise<boolean> {
    const { rowCount } = await this.db.query(
      "confirmEmail",
      `UPDATE users SET confirmed_at = coalesce(confirmed_at, $2) WHERE lower(email) = lower($1) AND ${LIVE}`,
      [email, this.now()],
    );
    return (rowCount ?? 0) > 0;
  }

  async setAdmin(userId: string, admin: boolean): Promise<void> {
    await this.db.query("setAdmin", "UPDATE users SET admin = $2 WHERE id = $1", [userId, admin]);
  }

  async setBan(userId: string, ban: { reason: string; until: number | null } | null): Promise<void> {
    const now = this.now();
    await this.db.transaction("setBan", async (client) => {
      if (!ban) return void (await client.query("UPDATE users SET ban_reason = NULL, banned_at = NULL, banned_until = NULL WHERE id = $1", [userId]));
      await client.query("UPDATE users SET ban_reason = $2, banned_at = $3, banned_until = $4 WHERE id = $1", [userId, ban.reason, now, ban.until === null ? null : new Date(ban.until)]);
      await revokeAll(client, userId, now);
    });
  }

  async deleteUser(userId: string, anonymousName: string): Promise<void> {
    const now = this.now();
    await this.db.transaction("deleteUser", async (client) => {
      await client.query(
        "UPDATE users SET name = $2, username = NULL, email = NULL, password_hash = NULL, admin = false, deleted_at = coalesce(deleted_at, $3) WHERE id = $1",
        [userId, anonymousName, now],
      );
      await revokeAll(client, userId, now);
    });
  }

  async gameCount(userId: string): Promise<number> {
    const { rows } = await this.db.query<{ games: number }>("gameCount", `SELECT count(DISTINCT game_id)::int AS games ${USER_SEATS}`, [userId]);
    return rows[0]!.games;
  }

  async mergeGuest(fromId: string, intoId: string): Promise<boolean> {
    const now = this.now();
    return this.db.transaction("mergeGuest", async (client) => {
      const { rowCount } = await client.query(`UPDATE users SET deleted_at = $2 WHERE id = $1 AND guest AND ${LIVE}`, [fromId, now]);
      if (!rowCount) return false;
      await client.query("INSERT INTO user_merges (from_user_id, into_user_id, merged_at) VALUES ($1, $2, $3)", [fromId, intoId, now]);
      await revokeAll(client, fromId, now);
      return true;
    });
  }

  async mergedInto(userId: string): Promise<string[]> {
    const { rows } = await this.db.query<{ from_user_id: string }>("mergedInto", "SELECT from_user_id FROM user_merges WHERE into_user_id = $1 ORDER BY merged_at", [userId]);
    return rows.map((row) => row.from_user_id);
  }

  async pruneGuests(before: number): Promise<number> {
    const { rowCount } = await this.db.query(
      "pruneGuests",
      `DELETE FROM users AS u WHERE u.guest AND u.deleted_at IS NULL AND u.created_at < $1
         AND NOT EXISTS (SELECT 1 FROM game_events AS e WHERE e.type = 'seatTaken' AND e.data ? 'userId' AND e.data ->> 'userId' = u.id::text)`,
      [new Date(before)],
    );
    return rowCount ?? 0;
  }

  async createSession(id: string, userId: string, expiresAt: number): Promise<SessionRecord> {
    const { rows } = await this.db.query<SessionRow>(
      "createSession",
      "INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4) RETURNING *",
      [id, userId, this.now(), new Date(expiresAt)],
    );
    return toSession(rows[0]!);
  }

  async session(id: string): Promise<SessionRecord | null> {
    const { rows } = await this.db.query<SessionRow>("session", "SELECT * FROM sessions WHERE id = $1", [id]);
    return rows[0] ? toSession(rows[0]) : null;
  }

  async extendSession(id: string, expiresAt: number): Promise<void> {
    await this.db.query("extendSession", "UPDATE sessions SET expires_at = $2 WHERE id = $1 AND revoked_at IS NULL AND expires_at < $2", [id, new Date(expiresAt)]);
  }

  async revokeSession(id: string): Promise<void> {
    await this.db.query("revokeSession", "UPDATE sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL", [id, this.now()]);
  }

  async revokeSessions(userId: string, exceptId?: string): Promise<number> {
    const { rowCount } = await this.db.query(
      "revokeSessions",
      "UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL AND id IS DISTINCT FROM $3",
      [userId, this.now(), exceptId ?? null],
    );
    return rowCount ?? 0;
  }
}

async function revokeAll(client: pg.PoolClient, userId: string, now: Date): Promise<void> {
  await client.query("UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL", [userId, now]);
}
