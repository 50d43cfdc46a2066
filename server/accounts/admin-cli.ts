// `npm run admin -- ban|unban|revoke|grant|ungrant <email or username> [--reason R] [--until ISO]`:
// acts on the accounts in the database from a shell (DATABASE_URL, else the embedded PGlite under
// DATA_DIR, which only one process may open: stop the node first). docs/accounts.md.
import { parseArgs } from "node:util";
import { pino } from "pino";
import type { Accounts, UserRecord } from "../store/index.ts";

export const ADMIN_USAGE = "usage: npm run admin -- ban|unban|revoke|grant|ungrant <email or username> [--reason R] [--until ISO date]";
const COMMANDS = ["ban", "unban", "revoke", "grant", "ungrant"] as const;
type Command = (typeof COMMANDS)[number];

/** A command line that does not make a command, or names nobody: the message says why. */
export class AdminUsageError extends Error {}

/** Runs one admin command on `accounts`; what it did, as a line to print. */
export async function runAdminCommand(accounts: Accounts, argv: string[], now = Date.now()): Promise<string> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { reason: { type: "string" }, until: { type: "string" } } });
  } catch (error) {
    throw new AdminUsageError(`${(error as Error).message}\n${ADMIN_USAGE}`);
  }
  const [command, who, ...extra] = parsed.positionals;
  if (!COMMANDS.includes(command as Command) || !who || extra.length > 0) throw new AdminUsageError(ADMIN_USAGE);
  const { reason, until } = parsed.values;
  if ((reason !== undefined || until !== undefined) && command !== "ban") throw new AdminUsageError(`--reason and --until go with ban only\n${ADMIN_USAGE}`);
  const untilMs = until === undefined ? null : Date.parse(until);
  if (Number.isNaN(untilMs) || (untilMs !== null && untilMs <= now)) throw new AdminUsageError(`--until must be a date in the future (ISO 8601, e.g. 2030-01-31T12:00:00Z), got ${until}`);
  const user = who.includes("@") ? await accounts.byEmail(who) : await accounts.byUsername(who);
  if (!user) throw new AdminUsageError(`no account with the ${who.includes("@") ? "email" : "username"} ${who}`);
  return act(accounts, command as Command, user, reason ?? "", untilMs);
}

async function act(accounts: Accounts, command: Command, user: UserRecord, reason: string, until: number | null): Promise<string> {
  const name = user.username ?? user.id;
  switch (command) {
    case "ban":
      await accounts.setBan(user.id, { reason, until });
      return `${name} is banned${reason ? ` (${reason})` : ""} ${until === null ? "with no end" : `until ${new Date(until).toISOString()}`}; every session of theirs ended`;
    case "unban":
      await accounts.setBan(user.id, null);
      return `${name} is no longer banned`;
    case "revoke":
      return `${name}: ${await accounts.revokeSessions(user.id)} sessions ended`;
    case "grant":
      await accounts.setAdmin(user.id, true);
      return `${name} is an admin`;
    case "ungrant":
      await accounts.setAdmin(user.id, false);
      return `${name} is no longer an admin (unless ADMIN_EMAILS names them)`;
  }
}

async function main(): Promise<void> {
  const { openStore } = await import("../store/index.ts");
  const logger = pino({ level: process.env.LOG_LEVEL ?? "warn" });
  const store = await openStore({ databaseUrl: process.env.DATABASE_URL || undefined, dataDir: process.env.DATA_DIR || "./data", logger });
  try {
    console.log(await runAdminCommand(store.accounts, process.argv.slice(2)));
  } catch (error) {
    console.error(error instanceof AdminUsageError ? error.message : `failed: ${(error as Error).message}`);
    process.exitCode = error instanceof AdminUsageError ? 2 : 1;
  } finally {
    await store.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
