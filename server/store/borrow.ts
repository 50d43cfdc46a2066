// Borrowing a pooled connection safely.
import type pg from "pg";

export interface Borrowed {
  client: pg.PoolClient;
  /** Returns the connection; with an error, the pool discards it instead of reusing it. */
  release(err?: Error): void;
}

export async function borrow(pool: pg.Pool): Promise<Borrowed> {
  const client = await pool.connect();
  // While a connection is borrowed the pool does not listen for its errors, and a connection that
  // dies now would emit an 'error' nobody handles, which ends the process. The query in flight
  // rejects with the same error, and that is where it is handled.
  const ignore = () => undefined;
  client.on("error", ignore);
  let released = false;
  return {
    client,
    release(err) {
      if (released) return;
      released = true;
      client.off("error", ignore);
      client.release(err);
    },
  };
}
