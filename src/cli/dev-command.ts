import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import type { Command } from "commander";
import { newConsoleToken, type RunningConsole, startConsole } from "../channels/index.ts";
import { type Database, maskDatabaseUrl, migrateArthur, openDatabase, ping } from "../db/index.ts";
import {
  configuredSecrets,
  createGatewayApp,
  createToken,
  type InternalSecrets,
  listen,
  type RunningServer,
  type ToolService,
} from "../gateway/index.ts";
import { type RunningWorker, startConfiguredWorker } from "../worker/index.ts";
import { loadRuntime, onShutdownSignal, type Runtime, runCommand } from "./runtime.ts";
import { buildAssistant, prepareDemo, startTools, VERSION } from "./services.ts";

/** Open the database and the tool service, and arrange for Ctrl-C to stop them in order. */
async function openService(
  rt: Runtime,
  internalSecrets: InternalSecrets | undefined,
): Promise<{
  db: Database;
  startTools: () => ToolService;
  serving: (server: RunningServer) => void;
  working: (worker: RunningWorker) => void;
}> {
  const db = await openDatabase(rt.config, rt.logger);
  // Closed newest first: the console stops taking questions before the gateway it calls goes away.
  const servers: RunningServer[] = [];
  let service: ToolService | undefined;
  let worker: RunningWorker | undefined;
  onShutdownSignal(rt, async () => {
    for (const server of servers.reverse()) await server.close();
    await worker?.stop();
    await service?.close();
    await db.close();
  });
  return {
    db,
    startTools: () => {
      service = startTools(db, rt, internalSecrets);
      return service;
    },
    serving: (s) => {
      servers.push(s);
    },
    working: (w) => {
      worker = w;
    },
  };
}

async function serveGateway(db: Database, rt: Runtime, service: ToolService): Promise<RunningServer> {
  const app = createGatewayApp({
    checkDatabase: () => ping(db.sql),
    logger: rt.logger,
    version: VERSION,
    tools: service,
  });
  const server = await listen(app, rt.config.gateway.host, rt.config.gateway.port);
  service.listeningAt(server.url);
  return server;
}

/** Keep one ops-role token for local MCP clients in <home>/dev-token (0600); replace it if revoked. */
async function ensureDevToken(db: Database, rt: Runtime, service: ToolService): Promise<string> {
  const path = join(rt.config.home, "dev-token");
  if (existsSync(path)) {
    const existing = readFileSync(path, "utf8").trim();
    if (await service.tokens.verify(existing)) return path;
  }
  const { token } = await createToken(db.sql, { userId: "dev", role: "ops", label: "arthur dev" });
  writeFileSync(path, `${token}\n`, { mode: 0o600 });
  return path;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|::1)$/;

/**
 * The web console over the in-process assistant. Whoever holds its token can act as any user and
 * role, so the token is new on every start and only printed here.
 */
async function serveConsole(db: Database, rt: Runtime, service: ToolService, gatewayUrl: string) {
  const { host, port } = rt.config.assistant;
  if (!LOOPBACK.test(host)) {
    rt.logger.warn(
      { host },
      "the web console acts as any user and role; it is reachable beyond this machine",
    );
  }
  return startConsole({
    assistant: buildAssistant(db, rt, service, { interactive: true }),
    token: newConsoleToken(),
    logger: rt.logger,
    host,
    port,
    // Chart images are signed links on the gateway's public address.
    imageOrigins: [rt.config.gateway.publicUrl ?? gatewayUrl],
  });
}

async function startDev(flags: { demo?: boolean }): Promise<void> {
  const started = performance.now();
  const rt = loadRuntime();
  // The in-process assistant needs the internal endpoint; generate secrets when none are configured.
  const secrets = configuredSecrets(rt.config) ?? {
    callerSecret: randomBytes(32).toString("hex"),
    signingSecret: randomBytes(32).toString("hex"),
  };
  const { db, startTools, serving, working } = await openService(rt, secrets);
  let server: RunningServer;
  let web: RunningConsole;
  let tokenPath: string;
  let worker: RunningWorker;
  try {
    await migrateArthur(db.sql);
    if (db.embedded || flags.demo) await prepareDemo(db, rt);
    const service = startTools();
    tokenPath = await ensureDevToken(db, rt, service);
    server = await serveGateway(db, rt, service);
    serving(server);
    web = await serveConsole(db, rt, service, server.url);
    serving(web);
    worker = await startConfiguredWorker({
      sql: db.sql,
      databaseUrl: db.url,
      config: rt.config,
      logger: rt.logger,
    });
    working(worker);
  } catch (error) {
    await db.close();
    throw error;
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `Arthur ready in ${seconds}s — gateway ${server.url} (/mcp, /healthz, /readyz, /metrics) · database ${maskDatabaseUrl(db.url)}` +
      `${db.embedded ? " (embedded; full URL: npx arthur db url)" : ""} · Ctrl-C to stop`,
  );
  console.log(`Web console: ${web.link} (this link's token is new each start; keep it to yourself)`);
  console.log(`Worker: ${worker.description}`);
  console.log(
    `MCP clients: ${server.url}/mcp with header "Authorization: Bearer $(cat ${relative(process.cwd(), tokenPath) || tokenPath})" (ops role)`,
  );
}

async function startGateway(): Promise<void> {
  const rt = loadRuntime();
  const { db, startTools, serving } = await openService(rt, configuredSecrets(rt.config));
  try {
    const server = await serveGateway(db, rt, startTools());
    serving(server);
    console.log(`Arthur gateway listening on ${server.url} (/mcp, /healthz, /readyz, /metrics)`);
  } catch (error) {
    await db.close();
    throw error;
  }
}

export function registerServiceCommands(program: Command): void {
  program
    .command("dev")
    .description(
      "run everything in one process: database (embedded unless DATABASE_URL), migrations, demo data, gateway",
    )
    .option(
      "--demo",
      "also create and seed the demo schema in a DATABASE_URL database (never done otherwise)",
    )
    .action((flags: { demo?: boolean }) => runCommand(() => startDev(flags)));

  program
    .command("gateway")
    .description("run the tool gateway only (expects a migrated database)")
    .action(() => runCommand(startGateway));
}
