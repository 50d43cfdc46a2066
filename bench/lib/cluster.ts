// Multi-node test and benchmark support: nodes and Redis as child processes of their own (never the
// machine's shared services when something is stopped), each stopped with this process at the
// latest. The players and the audit of what they were shown are bench/lib/audit-player.ts's.
// No vitest in here: bench/recovery.ts uses it as well as server/test/cluster.test.ts.
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import { freePort } from "../../server/free-port.ts";
import type { GolfExport, HealthBody, LiveGame } from "../../shared/protocol/index.ts";
import { RELAXED_LIMITS_ENV } from "../../server/limits.ts";
import { REPO } from "./server-process.ts";
import { until } from "./time.ts";

// Every child started here, so a failed test or an interrupted bench leaves nothing running.
const children = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

function track(child: ChildProcess, keep = 400_000): { exited: Promise<Exit>; output(): string } {
  children.add(child);
  let output = "";
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > keep) output = output.slice(-keep);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<Exit>((resolve) =>
    child.once("exit", (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    }),
  );
  return { exited, output: () => output };
}

function running(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

// --- Redis -----------------------------------------------------------------------------------------

/** A private redis-server on a spare loopback port, no persistence: a restart loses every key. */
export class RedisServer {
  private child: ChildProcess | null = null;
  private exited: Promise<Exit> | null = null;
  private constructor(readonly port: number) {}

  static async start(port?: number): Promise<RedisServer> {
    const server = new RedisServer(port ?? (await freePort()));
    await server.start();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get isRunning(): boolean {
    return this.child !== null && running(this.child);
  }

  async start(): Promise<void> {
    if (this.isRunning) return;
    const args = ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no", "--protected-mode", "no", "--loglevel", "warning"];
    const child = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
    const tracked = track(child, 50_000);
    this.child = child;
    this.exited = tracked.exited;
    await until(
      async () => {
        if (!running(child)) throw new Error(`redis-server exited: ${tracked.output()}`);
        return (await redisPing(this.port)) === "PONG";
      },
      15_000,
      `redis-server on port ${this.port}`,
    );
  }

  /** Stops it (SIGTERM: with no persistence every key is gone, as after a crash). */
  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    if (!this.child || !this.isRunning) return;
    this.child.kill(signal);
    await this.exited;
    this.child = null;
  }

  async command(...args: string[]): Promise<string | null> {
    return redisCommand(this.port, args);
  }
}

/** One RESP command over a fresh socket (enough for tests: PING, GET, KEYS). */
export function redisCommand(port: number, args: string[]): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    let buffer = "";
    socket.setTimeout(2000, () => {
      socket.destroy();
      reject(new Error("redis: timeout"));
    });
    socket.once("error", reject);
    socket.on("data", (chunk) => {
      buffer += chunk.toString();
      const parsed = parseResp(buffer);
      if (parsed === undefined) return;
      socket.end();
      if (parsed instanceof Error) reject(parsed);
      else resolve(parsed);
    });
    socket.write(`*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join("")}`);
  });
}

/** Parses one simple RESP reply (status, error, integer, bulk string, or an array as newline-joined text). */
function parseResp(text: string): string | null | Error | undefined {
  const end = text.indexOf("\r\n");
  if (end < 0) return undefined;
  const head = text.slice(1, end);
  switch (text[0]) {
    case "+":
    case ":":
      return head;
    case "-":
      return new Error(head);
    case "$": {
      const length = Number(head);
      if (length < 0) return null;
      if (text.length < end + 2 + length + 2) return undefined;
      return text.slice(end + 2, end + 2 + length);
    }
    case "*": {
      const count = Number(head);
      if (count <= 0) return "";
      const items: string[] = [];
      let rest = text.slice(end + 2);
      for (let index = 0; index < count; index++) {
        const itemEnd = rest.indexOf("\r\n");
        if (itemEnd < 0 || rest[0] !== "$") return undefined;
        const length = Number(rest.slice(1, itemEnd));
        if (rest.length < itemEnd + 2 + length + 2) return undefined;
        items.push(rest.slice(itemEnd + 2, itemEnd + 2 + length));
        rest = rest.slice(itemEnd + 2 + length + 2);
      }
      return items.join("\n");
    }
    default:
      return new Error(`unexpected reply ${text.slice(0, 20)}`);
  }
}

function redisPing(port: number): Promise<string | null> {
  return redisCommand(port, ["PING"]);
}

// --- nodes -----------------------------------------------------------------------------------------

export interface NodeSettings {
  databaseUrl: string;
  redisUrl: string;
  port?: number;
  cpuDelayMs?: number;
  logLevel?: string;
  /** More environment (e.g. COLYSEUS_PRESENCE_SHORT_TIMEOUT). */
  env?: NodeJS.ProcessEnv;
}

/** `npm start`'s entry point as its own process: one node of the cluster, configured by its environment. */
export class NodeProcess {
  private constructor(
    readonly port: number,
    readonly child: ChildProcess,
    readonly exited: Promise<Exit>,
    readonly output: () => string,
  ) {}

  static async start(settings: NodeSettings): Promise<NodeProcess> {
    const port = settings.port ?? (await freePort());
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      PUBLIC_ADDRESS: `127.0.0.1:${port}`,
      DATABASE_URL: settings.databaseUrl,
      REDIS_URL: settings.redisUrl,
      LOG_LEVEL: settings.logLevel ?? process.env.TEST_LOG_LEVEL ?? "warn",
      CPU_DELAY_MS: String(settings.cpuDelayMs ?? 0),
      ...RELAXED_LIMITS_ENV,
      ...settings.env,
    };
    delete env.DATA_DIR;
    const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], { cwd: REPO, env, stdio: ["ignore", "pipe", "pipe"] });
    const { exited, output } = track(child);
    const node = new NodeProcess(port, child, exited, output);
    await until(
      async () => {
        if (!running(child)) throw new Error(`node ${port} exited while starting:\n${output()}`);
        const response = await fetch(`${node.url}/health`);
        return response.status === 200;
      },
      60_000,
      `node on port ${port} to be healthy`,
      100,
    ).catch((error: Error) => {
      if (running(child)) child.kill("SIGKILL");
      throw new Error(`${error.message}\n${output().slice(-4000)}`);
    });
    return node;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The node id other nodes know it by (its PUBLIC_ADDRESS). */
  get id(): string {
    return `127.0.0.1:${this.port}`;
  }

  get isRunning(): boolean {
    return running(this.child);
  }

  async kill(signal: NodeJS.Signals = "SIGKILL"): Promise<Exit> {
    if (this.isRunning) this.child.kill(signal);
    return this.exited;
  }

  async health(): Promise<{ status: number; body: HealthBody }> {
    const response = await fetch(`${this.url}/health`);
    return { status: response.status, body: (await response.json()) as HealthBody };
  }

  async live(): Promise<LiveGame[]> {
    const response = await fetch(`${this.url}/api/games/live`);
    if (response.status !== 200) throw new Error(`live games on ${this.id}: HTTP ${response.status}`);
    return (await response.json()) as LiveGame[];
  }

  /** The finished game's export, or null while it is not finished (404). */
  async exportOf(gameId: string): Promise<GolfExport | null> {
    const response = await fetch(`${this.url}/api/games/${gameId}/export`);
    if (response.status === 404) return null;
    if (response.status !== 200) throw new Error(`export of ${gameId} on ${this.id}: HTTP ${response.status} ${await response.text()}`);
    return (await response.json()) as GolfExport;
  }
}
