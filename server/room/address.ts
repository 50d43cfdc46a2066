// The address a matchmaking request came from, for limits per address. Colyseus gives onAuth the first
// X-Forwarded-For / X-Real-IP hop whoever sent it, and no socket address at all on the HTTP
// matchmaking request; so the node stamps every request with the address it trusts (express's
// `trust proxy` rules, TRUST_PROXY) under a header of its own, overwriting whatever a client sent.
import type http from "node:http";
import { clientAddress, type TrustFn } from "../http/guard.ts";

export const ADDRESS_HEADER = "x-golf-client-address";

/** Runs before every other request listener of `server`. */
export function stampClientAddresses(server: http.Server, trust: TrustFn): void {
  server.prependListener("request", (req: http.IncomingMessage) => {
    req.headers[ADDRESS_HEADER] = clientAddress(req, trust) || "unknown";
  });
}

/** The stamped address of a matchmaking request (a Web Request's headers), or null. */
export function addressOf(headers: Headers | undefined): string | null {
  return headers?.get(ADDRESS_HEADER) ?? null;
}
