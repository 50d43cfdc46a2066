// A private PostgreSQL 15 cluster for tests that stop and restart the database: the machine's
// shared server must never be stopped. initdb into a temporary directory, serve it on a free
// loopback port, and remove it all afterwards. As root it runs the binaries as the postgres user
// (PostgreSQL refuses to run as root).
import { execFile } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "../../free-port.ts";

const run = promisify(execFile);

export class ThrowawayPostgres {
  private constructor(
    private readonly bin: string,
    private readonly dir: string,
    readonly port: number,
    private readonly runAs: string | null,
  ) {}

  static async create(): Promise<ThrowawayPostgres> {
    const bin = process.env.PG_BIN ?? "/usr/lib/postgresql/15/bin";
    if (!existsSync(join(bin, "initdb"))) {
      throw new Error(`PostgreSQL binaries not found in ${bin} (set PG_BIN): needed for the outage test`);
    }
    const dir = mkdtempSync(join(tmpdir(), "golf-pg-"));
    const runAs = process.getuid?.() === 0 ? "postgres" : null;
    if (runAs) {
      const uid = Number((await run("id", ["-u", runAs])).stdout.trim());
      const gid = Number((await run("id", ["-g", runAs])).stdout.trim());
      chownSync(dir, uid, gid);
    }
    const cluster = new ThrowawayPostgres(bin, dir, await freePort(), runAs);
    await cluster.exec("initdb", ["-D", cluster.dataDir, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]);
    await cluster.start();
    return cluster;
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  private get dataDir(): string {
    return join(this.dir, "data");
  }

  async start(): Promise<void> {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1`;
    await this.exec("pg_ctl", ["-D", this.dataDir, "-o", options, "-l", join(this.dir, "log"), "-w", "start"]);
  }

  /** Stops at once, as a crash would: connections are cut, open transactions are lost. */
  async stop(): Promise<void> {
    await this.exec("pg_ctl", ["-D", this.dataDir, "-m", "immediate", "-w", "stop"]);
  }

  async destroy(): Promise<void> {
    await this.stop().catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async exec(program: string, args: string[]): Promise<void> {
    const path = join(this.bin, program);
    if (this.runAs) await run("runuser", ["-u", this.runAs, "--", path, ...args]);
    else await run(path, args);
  }
}

