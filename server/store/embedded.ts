// Embedded PostgreSQL for a node started without DATABASE_URL: PGlite (PostgreSQL compiled to
// WebAssembly, running inside this process) with its data in a directory, served on a loopback TCP
// port by pglite-socket, so the store reaches it through the very same `pg` code as a real server.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

export class EmbeddedPostgres {
  private server: PGLiteSocketServer | null = null;
  private port = 0;

  private constructor(
    readonly db: PGlite,
    readonly dataDir: string,
    private readonly maxConnections: number,
    private readonly lockFile: string,
  ) {}

  /**
   * Opens (or creates: about 3 s the first time) the database in dataDir and starts serving it on
   * 127.0.0.1 at an ephemeral port. Fails if another live process has the directory open.
   */
  static async start(options: { dataDir: string; maxConnections: number }): Promise<EmbeddedPostgres> {
    mkdirSync(options.dataDir, { recursive: true });
    const lockFile = `${options.dataDir}.lock`;
    takeLock(lockFile, options.dataDir);
    let db: PGlite | null = null;
    try {
      db = await PGlite.create(options.dataDir);
      const embedded = new EmbeddedPostgres(db, options.dataDir, options.maxConnections, lockFile);
      await embedded.startServer();
      return embedded;
    } catch (err) {
      await db?.close();
      rmSync(lockFile, { force: true });
      throw err;
    }
  }

  get connectionString(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  get serving(): boolean {
    return this.server !== null;
  }

  /**
   * Starts the socket server; after stopServer() it comes back on the same port, so a client
   * holding the connection string reconnects. pglite-socket refuses connections beyond
   * maxConnections, so it must be at least the pool size.
   */
  async startServer(): Promise<void> {
    if (this.server) return;
    const server = new PGLiteSocketServer({
      db: this.db,
      host: "127.0.0.1",
      port: this.port,
      maxConnections: this.maxConnections,
    });
    await server.start();
    this.port = Number(server.getServerConn().split(":").pop());
    this.server = server;
  }

  /** Closes the socket server and every client connection; the database itself stays open. */
  async stopServer(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await server.stop();
  }

  async close(): Promise<void> {
    await this.stopServer();
    if (!this.db.closed) await this.db.close();
    rmSync(this.lockFile, { force: true });
  }
}

/**
 * PGlite has no postmaster.pid: two processes opening one directory would both write to it and
 * corrupt it. A lock file holding our pid keeps a second process out; a lock left by a process
 * that is gone is taken over.
 */
export function takeLock(lockFile: string, dataDir: string): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockFile, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    const holder = Number(readFileSync(lockFile, "utf8").trim());
    if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) {
      throw new Error(`${dataDir} is in use by process ${holder} (lock file ${lockFile})`);
    }
    rmSync(lockFile, { force: true });
  }
  throw new Error(`could not lock ${dataDir} (lock file ${lockFile})`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
