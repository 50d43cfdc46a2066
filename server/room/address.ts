// The address a matchmaking request came from, for limits per address. Colyseus gives onAuth the first
// X-Forwarded-For / X-Real-IP hop whoever sent it, and no socket address at all on the HTTP
// matchmaking request; so the node stamps every request with the address it trusts (express's
// `trust proxy` rules, TRUST_PROXY) under a header of its own, overwriting whatever a client sent.
import type http from "node:http";
import proxyaddr from "proxy-addr";

export const ADDRESS_HEADER = "x-golf-client-address";

/** express's compilation of a `trust proxy` value. */
function trustOf(value: boolean | number | string): (address: string, hop: number) => boolean {
  if (value === true) return () => true;
  if (typeof value === "number") return (_address, hop) => hop < value;
  if (value === false) return proxyaddr.compile([]);
  return proxyaddr.compile(value.split(",").map((part) => part.trim()));
}

/** Runs before every other request listener of `server`. */
export function stampClientAddresses(server: http.Server, trustProxy: boolean | number | string): void {
  const trust = trustOf(trustProxy);
  server.prependListener("request", (req: http.IncomingMessage) => {
    let address = "unknown";
    try {
      address = proxyaddr(req, trust) || "unknown";
    } catch {
      // a malformed forwarding header: the socket's own address
      address = req.socket.remoteAddress ?? "unknown";
    }
    req.headers[ADDRESS_HEADER] = address;
  });
}

/** The stamped address of a matchmaking request (a Web Request's headers), or null. */
export function addressOf(headers: Headers | undefined): string | null {
  return headers?.get(ADDRESS_HEADER) ?? null;
}
