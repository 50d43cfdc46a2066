// Telling a lost or refused connection (the database is down: retry later) apart from an error
// PostgreSQL reported about a statement (a bug or a constraint: retrying will not help).

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

// Messages of node-postgres for a connection that died or never came up; they carry no code.
const CONNECTION_MESSAGES = [
  /Connection terminated/i,
  /not queryable/i,
  /timeout exceeded when trying to connect/i,
  /Connection closed/i,
];

function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** The SQLSTATE of an error PostgreSQL sent, if it is one. */
export function sqlState(err: unknown): string | undefined {
  const code = errorCode(err);
  return code && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

export function isConnectionError(err: unknown): boolean {
  if (err instanceof AggregateError) return err.errors.some(isConnectionError) || NETWORK_CODES.has(errorCode(err) ?? "");
  const code = errorCode(err);
  if (code && NETWORK_CODES.has(code)) return true;
  const state = sqlState(err);
  if (state) {
    // 08: connection exception; 57P01-57P03: the server is shutting down or starting;
    // 53300: too many connections.
    return state.startsWith("08") || state === "57P01" || state === "57P02" || state === "57P03" || state === "53300";
  }
  const message = err instanceof Error ? err.message : String(err);
  return CONNECTION_MESSAGES.some((pattern) => pattern.test(message));
}

/** A one-line description, also for errors with an empty message (Node's AggregateError). */
export function describeError(err: unknown): string {
  if (err instanceof AggregateError && !err.message) {
    const inner = err.errors.map(describeError);
    return inner.length > 0 ? [...new Set(inner)].join("; ") : (errorCode(err) ?? "AggregateError");
  }
  if (err instanceof Error) {
    const code = errorCode(err);
    return code && !err.message.includes(code) ? `${err.message} (${code})` : err.message;
  }
  return String(err);
}
