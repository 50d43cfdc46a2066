// Support for the HTTP tests: raw HTTP requests that keep their path byte for byte, and counts of
// what the store holds. A finished game as an export document is server/testing.ts's finishedExport.
import http from "node:http";
import pg from "pg";
import type { TestNode } from "../testing.ts";

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request with its path sent exactly as given (fetch would normalize or refuse some). */
export function rawRequest(url: string, options: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: hostname, port, method: options.method ?? "GET", path: options.path, headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

/** Rows in the node's games table and the views of every share, to check that nothing changed. */
export async function storeSnapshot(node: TestNode): Promise<{ games: number; views: number }> {
  const client = new pg.Client({ connectionString: node.store.connectionString });
  await client.connect();
  try {
    const { rows } = await client.query<{ games: string; views: string }>(
      "SELECT (SELECT count(*) FROM games)::text AS games, (SELECT coalesce(sum(views), 0) FROM shares)::text AS views",
    );
    return { games: Number(rows[0]!.games), views: Number(rows[0]!.views) };
  } finally {
    await client.end();
  }
}

const sessions = new Map<string, Promise<string>>();
/** A guest's session token on this node (made once per node), for the routes that need a session (imports). */
export function guestSession(url: string): Promise<string> {
  let token = sessions.get(url);
  if (!token) {
    token = fetch(`${url}/auth/anonymous`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ options: { name: "Importer" } }) })
      .then((res) => res.json() as Promise<{ token: string }>)
      .then((body) => body.token);
    sessions.set(url, token);
  }
  return token;
}
