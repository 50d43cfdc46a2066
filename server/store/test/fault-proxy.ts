// A TCP proxy for tests, between a node and its database (PostgreSQL, or PGlite behind
// pglite-socket), that injects real network faults: no mock of `pg`.
//
//   cutAfter(text)  the next chunk the client sends that contains `text` (a statement, a prepared
//                   statement's name) is forwarded whole, then the client's side is dropped at once:
//                   the database runs and commits the statement, its answer never arrives.
//   dropOn(text)    the next such chunk is NOT forwarded: both sides are dropped, nothing runs.
//   refuse()        new connections are closed as soon as they open (the database is away) until
//                   accept(); dropAll() cuts every open connection.
//   stall()         nothing is forwarded either way until resume().
import net from "node:net";

type Fault = { kind: "cut" | "drop"; texts: string[]; done: () => void };
type Pair = { client: net.Socket; upstream: net.Socket; cutting: boolean };
/** The protocol's Sync message: 'S' and a length of 4. */
const SYNC = Buffer.from([0x53, 0, 0, 0, 4]);

export class FaultProxy {
  private readonly server: net.Server;
  private readonly pairs = new Set<Pair>();
  private fault: Fault | null = null;
  private refusing = false;
  private stalled = false;
  private readonly stalledQueue: (() => void)[] = [];
  /** Faults that have fired so far. */
  fired = 0;
  /** Connections closed at once by refuse(). */
  refused = 0;
  /**
   * When set, the next fault also takes the database away: every other connection is cut and new
   * ones are refused (as by refuse()) from that moment, so nothing reconnects in between.
   */
  refuseAfterFault = false;

  private constructor(
    private readonly target: { host: string; port: number },
    readonly port: number,
    server: net.Server,
  ) {
    this.server = server;
  }

  /** Listens on a free loopback port and forwards to `targetUrl`'s host and port. */
  static async start(targetUrl: string): Promise<FaultProxy> {
    const url = new URL(targetUrl);
    const target = { host: url.hostname, port: Number(url.port || 5432) };
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const proxy = new FaultProxy(target, (server.address() as net.AddressInfo).port, server);
    server.on("connection", (client) => proxy.connect(client));
    return proxy;
  }

  /** `databaseUrl` with its host and port replaced by the proxy's. */
  urlFor(databaseUrl: string): string {
    const url = new URL(databaseUrl);
    url.hostname = "127.0.0.1";
    url.port = String(this.port);
    return url.toString();
  }

  /** Arms a cut after the next client chunk holding one of `texts`; resolves when it has fired. */
  cutAfter(...texts: string[]): Promise<void> {
    return this.arm("cut", texts);
  }

  /** Arms a drop of the next client chunk holding one of `texts` (not forwarded); resolves when it has fired. */
  dropOn(...texts: string[]): Promise<void> {
    return this.arm("drop", texts);
  }

  refuse(): void {
    this.refusing = true;
  }

  accept(): void {
    this.refusing = false;
  }

  stall(): void {
    this.stalled = true;
  }

  resume(): void {
    this.stalled = false;
    for (const send of this.stalledQueue.splice(0)) send();
  }

  /** Chunks held by stall(), waiting for resume(). */
  get stalledCount(): number {
    return this.stalledQueue.length;
  }

  dropAll(): void {
    for (const pair of this.pairs) this.cut(pair);
  }

  async close(): Promise<void> {
    this.fault = null;
    this.dropAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private arm(kind: Fault["kind"], texts: string[]): Promise<void> {
    return new Promise((resolve) => {
      this.fault = { kind, texts, done: resolve };
    });
  }

  private connect(client: net.Socket): void {
    if (this.refusing) {
      this.refused++;
      client.destroy();
      return;
    }
    const upstream = net.connect(this.target.port, this.target.host);
    const pair: Pair = { client, upstream, cutting: false };
    this.pairs.add(pair);
    const forget = () => this.pairs.delete(pair);
    client.on("close", forget);
    upstream.on("close", forget);
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
    client.on("close", () => upstream.end());
    upstream.on("close", () => client.destroy());

    client.on("data", (chunk: Buffer) => this.later(() => this.fromClient(pair, chunk)));
    upstream.on("data", (chunk: Buffer) => this.later(() => !client.destroyed && client.write(chunk)));
  }

  private later(send: () => void): void {
    if (this.stalled) this.stalledQueue.push(send);
    else send();
  }

  private fromClient(pair: Pair, chunk: Buffer): void {
    if (pair.cutting) return this.forwardUntilSync(pair, chunk);
    const fault = this.fault;
    const text = fault ? chunk.toString("latin1") : "";
    if (!fault || !fault.texts.some((wanted) => text.includes(wanted))) {
      if (!pair.upstream.destroyed) pair.upstream.write(chunk);
      return;
    }
    this.fault = null;
    this.fired++;
    if (this.refuseAfterFault) {
      // The database goes away entirely: its other connections too.
      this.refuseAfterFault = false;
      this.refusing = true;
      for (const other of this.pairs) if (other !== pair) this.cut(other);
    }
    if (fault.kind === "cut") {
      // The statement reaches the database whole; its answer is read and thrown away, and the
      // client loses its connection before any of it arrives.
      pair.upstream.removeAllListeners("data");
      pair.upstream.on("data", () => undefined);
      pair.cutting = true;
      this.forwardUntilSync(pair, chunk);
    } else {
      this.cut(pair);
    }
    fault.done();
  }

  /**
   * `pg` writes an extended-protocol statement as several messages (Parse, Bind, Execute, ...)
   * ending with Sync, which may arrive in several chunks: the database commits only once it has
   * read the Sync, so everything up to it is forwarded before the client is cut off.
   */
  private forwardUntilSync(pair: Pair, chunk: Buffer): void {
    const simpleQuery = chunk[0] === 0x51; // 'Q': a whole statement in one message
    const endsWithSync = chunk.length >= 5 && chunk.subarray(-5).equals(SYNC);
    if (!simpleQuery && !endsWithSync) {
      pair.upstream.write(chunk);
      return;
    }
    pair.upstream.end(chunk);
    pair.client.destroy();
  }

  private cut(pair: Pair): void {
    pair.client.destroy();
    pair.upstream.destroy();
  }
}

/** Texts that mark the group commit's statement on the wire: its prepared name (PostgreSQL) or its SQL (PGlite). */
export const APPEND_STATEMENT = ["golf_append_batch", "game_heads AS h SET last_seq"];
