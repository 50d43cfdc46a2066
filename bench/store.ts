// Event store benchmark: N games append one event at a time (each append awaited before the next
// of its game), all games at once, through the group-committing event log. In the same run and on
// the same server it measures plain 50-row INSERTs into a table of the same shape, the baseline the
// ratio compares with.
//
//   npm run bench:store -- [--json] [--games 1000] [--events-per-game 100]
//                          [--database-url URL | --pglite] [--pool-size N] [--commit-concurrency N]
//                          [--max-batch-events N]
//
// PostgreSQL: creates a scratch database golf_bench_<random> beside the one in the URL (default
// $DATABASE_URL or postgres://postgres@127.0.0.1:5432/postgres) and drops it afterwards.
// --pglite: a fresh embedded PGlite in a temporary directory, removed afterwards.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { pino } from "pino";
import { openStore, type Store, type StoreOptions } from "../server/store/index.ts";
import { positiveInt } from "./args.ts";
import { Histogram } from "./lib/histogram.ts";

const { values: flags } = parseArgs({
  options: {
    json: { type: "boolean", default: false },
    games: { type: "string", default: "1000" },
    "events-per-game": { type: "string" },
    "database-url": { type: "string" },
    pglite: { type: "boolean", default: false },
    "pool-size": { type: "string" },
    "commit-concurrency": { type: "string" },
    "max-batch-events": { type: "string" },
  },
});

const games = positiveInt("games", flags.games);
const usePglite = flags.pglite;
// Sized so that a run lasts several seconds on the 2-core machines (PGlite is far slower).
const eventsPerGame = positiveInt("events-per-game", flags["events-per-game"] ?? (usePglite ? "100" : "200"));
const RAW_ROWS_PER_INSERT = 50;
const logger = pino({ level: "warn" }, pino.destination(2));

function optionalInt(name: string, text: string | undefined): number | undefined {
  return text === undefined ? undefined : positiveInt(name, text);
}

/** A typical event: a card drawn, a few dozen bytes of JSON. */
function eventFor(gameIndex: number, seq: number) {
  return {
    type: "drew",
    seat: seq % 4,
    data: { from: "deck", card: { rank: String((seq % 13) + 1), suit: "SHDC"[gameIndex % 4] }, slot: seq % 6 },
  };
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Plain 50-row INSERTs, one after another on one connection, each its own transaction. */
async function rawBatchRowsPerSecond(connectionString: string, rows: number): Promise<number> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    // Same columns, types and primary key as game_events (LIKE copies no foreign key).
    await client.query("CREATE TABLE bench_raw_events (LIKE game_events INCLUDING ALL)");
    const placeholders = Array.from({ length: RAW_ROWS_PER_INSERT }, (_, r) => {
      const p = r * 6;
      return `($${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}, $${p + 5}, $${p + 6})`;
    }).join(", ");
    const sql = `INSERT INTO bench_raw_events (game_id, seq, type, seat, data, at) VALUES ${placeholders}`;
    const gameIds = Array.from({ length: games }, () => randomUUID());
    const inserts = Math.ceil(rows / RAW_ROWS_PER_INSERT);
    let row = 0;
    const started = performance.now();
    for (let i = 0; i < inserts; i++) {
      const values: unknown[] = [];
      for (let r = 0; r < RAW_ROWS_PER_INSERT; r++, row++) {
        const gameIndex = row % games;
        const seq = Math.floor(row / games) + 1;
        const event = eventFor(gameIndex, seq);
        values.push(gameIds[gameIndex], seq, event.type, event.seat, JSON.stringify(event.data), new Date().toISOString());
      }
      await client.query({ name: "bench_raw_insert", text: sql, values });
    }
    const seconds = (performance.now() - started) / 1000;
    await client.query("DROP TABLE bench_raw_events");
    return (inserts * RAW_ROWS_PER_INSERT) / seconds;
  } finally {
    await client.end();
  }
}

/**
 * Flushes the server's dirty pages now (as pgbench does before a run), so that a checkpoint due
 * anyway (CREATE and DROP DATABASE ask for one) does not land in the middle of a measurement.
 * Needs a superuser or pg_checkpoint; without the right it measures as is.
 */
async function checkpoint(connectionString: string): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query("CHECKPOINT");
  } catch {
    // not allowed: measure without it
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  let scratch: { admin: pg.Client; name: string } | null = null;
  let dataDir: string | null = null;
  const storeOptions: StoreOptions = {
    logger,
    poolSize: optionalInt("pool-size", flags["pool-size"]),
    commitConcurrency: optionalInt("commit-concurrency", flags["commit-concurrency"]),
    maxBatchEvents: optionalInt("max-batch-events", flags["max-batch-events"]),
  };
  if (usePglite) {
    dataDir = mkdtempSync(join(os.tmpdir(), "golf-bench-pglite-"));
    storeOptions.dataDir = dataDir;
  } else {
    const baseUrl = flags["database-url"] ?? process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
    const admin = new pg.Client({ connectionString: baseUrl });
    await admin.connect();
    const name = `golf_bench_${randomUUID().slice(0, 8)}`;
    await admin.query(`CREATE DATABASE ${name}`);
    scratch = { admin, name };
    const url = new URL(baseUrl);
    url.pathname = `/${name}`;
    storeOptions.databaseUrl = url.toString();
  }

  const store = await openStore(storeOptions);
  try {
    const versionClient = new pg.Client({ connectionString: store.connectionString });
    await versionClient.connect();
    const databaseVersion = (await versionClient.query<{ version: string }>("SELECT version()")).rows[0]!.version;
    await versionClient.end();

    const gameIds = Array.from({ length: games }, () => randomUUID());
    for (let i = 0; i < games; i += 100) {
      await Promise.all(
        gameIds.slice(i, i + 100).map((id, j) =>
          store.games.create({
            id,
            code: `B${(i + j).toString(32).toUpperCase().padStart(4, "0")}`,
            private: true,
            rules: {},
            holes: 9,
            decks: 2,
            seats: [
              { name: "Ann", kind: "human", profile: "" },
              { name: "Bot", kind: "cpu", profile: "steady" },
            ],
          }),
        ),
      );
    }

    // Warm-up (not measured): prepares the statements and opens the connections.
    const warmupEvents = 2;
    await Promise.all(
      gameIds.map(async (id, g) => {
        for (let seq = 1; seq <= warmupEvents; seq++) await store.log.append(id, [eventFor(g, seq)], seq - 1);
      }),
    );

    // The baseline, on the same server through the same address, before the measured run.
    const rawRows = Math.min(games * eventsPerGame, 150_000);
    await checkpoint(store.connectionString);
    const rawRate = await rawBatchRowsPerSecond(store.connectionString, rawRows);
    await checkpoint(store.connectionString);

    const statsBefore = store.log.commitStats;
    const latencies = new Float64Array(games * eventsPerGame);
    let measured = 0;
    const started = performance.now();
    await Promise.all(
      gameIds.map(async (id, g) => {
        for (let i = 0; i < eventsPerGame; i++) {
          const seq = warmupEvents + i + 1;
          const t0 = performance.now();
          await store.log.append(id, [eventFor(g, seq)], seq - 1);
          latencies[measured++] = performance.now() - t0;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const statsAfter = store.log.commitStats;

    const appendMs = new Histogram().recordAll(latencies);
    const events = games * eventsPerGame;
    const eventsPerSecond = events / seconds;
    const result = {
      games,
      events,
      seconds: round(seconds, 3),
      eventsPerSecond: Math.round(eventsPerSecond),
      appendP50Ms: round(appendMs.percentile(50), 2),
      appendP99Ms: round(appendMs.percentile(99), 2),
      rawBatchRowsPerSecond: Math.round(rawRate),
      ratio: round(eventsPerSecond / rawRate, 3),
      backend: usePglite ? "pglite" : "postgresql",
      machine: {
        cores: os.cpus().length,
        memoryGiB: round(os.totalmem() / 2 ** 30, 1),
        node: process.version,
        database: databaseVersion.split(" on ")[0],
      },
    };

    if (flags.json) {
      console.log(JSON.stringify(result));
    } else {
      const batches = statsAfter.batches - statsBefore.batches;
      const rows: [string, string | number][] = [
        ["backend", result.backend],
        ["database", result.machine.database ?? databaseVersion],
        ["machine", `${result.machine.cores} cores, ${result.machine.memoryGiB} GiB, node ${result.machine.node}`],
        ["games", games],
        ["events (measured)", events],
        ["seconds", result.seconds],
        ["events/s", result.eventsPerSecond],
        ["append p50 ms", result.appendP50Ms],
        ["append p99 ms", result.appendP99Ms],
        ["group commits", batches],
        ["events per commit", batches > 0 ? round((statsAfter.events - statsBefore.events) / batches, 1) : 0],
        [`raw ${RAW_ROWS_PER_INSERT}-row INSERT rows/s`, result.rawBatchRowsPerSecond],
        ["ratio", result.ratio],
      ];
      const width = Math.max(...rows.map(([label]) => label.length));
      for (const [label, value] of rows) console.log(`${label.padEnd(width)}  ${value}`);
    }
  } finally {
    await store.close();
    if (scratch) {
      await scratch.admin.query(`DROP DATABASE IF EXISTS ${scratch.name}`);
      await scratch.admin.end();
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
