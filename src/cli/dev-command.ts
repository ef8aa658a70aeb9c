import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { WebClient } from "@slack/web-api";
import type { Command } from "commander";
import { Hono } from "hono";
import { type Assistant, InternalToolPort } from "../assistant/index.ts";
import type { ToolRegistry } from "../catalog/index.ts";
import {
  newConsoleToken,
  type RunningConsole,
  type SlackApp,
  startConsole,
  startSlackServer,
} from "../channels/index.ts";
import { type RunningControlPlane, startControlPlane } from "../control-plane/index.ts";
import { type Database, maskDatabaseUrl, migrateArthur, openDatabase, ping } from "../db/index.ts";
import {
  buildRegistry,
  configuredSecrets,
  createGatewayApp,
  createToken,
  InternalGatewayClient,
  type InternalSecrets,
  listen,
  type RunningServer,
  type ToolService,
} from "../gateway/index.ts";
import { allTools } from "../packs/index.ts";
import { type RunningWorker, startConfiguredWorker } from "../worker/index.ts";
import { loadRuntime, onShutdownSignal, type Runtime, runCommand, UsageError } from "./runtime.ts";
import { buildAssistant, buildSlackApp, prepareDemo, startTools, VERSION } from "./services.ts";

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
async function serveConsole(
  db: Database,
  rt: Runtime,
  service: ToolService,
  gatewayUrl: string,
): Promise<{ web: RunningConsole; slack: SlackApp | null; assistant: Assistant }> {
  const { host, port } = rt.config.assistant;
  if (!LOOPBACK.test(host)) {
    rt.logger.warn(
      { host },
      "the web console acts as any user and role; it is reachable beyond this machine",
    );
  }
  const assistant = buildAssistant(db, rt, service, { interactive: true });
  const slack = buildSlackApp(db, rt, assistant, service.gateway.registry);
  const web = await startConsole({
    assistant,
    token: newConsoleToken(),
    logger: rt.logger,
    host,
    port,
    // Chart images are signed links on the gateway's public address.
    imageOrigins: [rt.config.gateway.publicUrl ?? gatewayUrl],
    slack: slack?.routes ?? null,
  });
  return { web, slack, assistant };
}

/**
 * The control plane over the same assistant and Slack app: webhooks routed to teams, the admin
 * API, provisioning (Kubernetes only when KUBECONFIG or an in-cluster configuration is there).
 */
function serveControlPlane(
  db: Database,
  rt: Runtime,
  assistant: Assistant,
  registry: ToolRegistry,
  slack: SlackApp | null,
): Promise<RunningControlPlane> {
  const { botToken, apiUrl } = rt.config.slack;
  return startControlPlane({
    sql: db.sql,
    databaseUrl: db.url,
    config: rt.config,
    logger: rt.logger,
    version: VERSION,
    assistant,
    registry,
    slack: { app: slack, client: botToken ? new WebClient(botToken, { slackApiUrl: apiUrl }) : null },
  });
}

/** Start the Slack app (after its routes are being served); a wrong token stops here with Slack's error. */
async function startSlack(slack: SlackApp | null, rt: Runtime, url: string): Promise<string> {
  if (!slack) {
    return rt.config.slack.botToken
      ? "off (set SLACK_SIGNING_SECRET or SLACK_APP_TOKEN)"
      : "off (set SLACK_BOT_TOKEN; docs/slack-setup.md)";
  }
  await slack.start().catch((error: unknown) => {
    throw new Error(
      `The Slack app could not start: ${error instanceof Error ? error.message : String(error)}`,
    );
  });
  return slack.mode === "http" ? `${url}/slack/events (HTTP)` : "Socket Mode";
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
  let slackLine: string;
  let controlPlane: RunningControlPlane;
  let tokenPath: string;
  let worker: RunningWorker;
  try {
    await migrateArthur(db.sql);
    if (db.embedded || flags.demo) await prepareDemo(db, rt);
    const service = startTools();
    tokenPath = await ensureDevToken(db, rt, service);
    server = await serveGateway(db, rt, service);
    serving(server);
    const served = await serveConsole(db, rt, service, server.url);
    web = served.web;
    const { slack } = served;
    controlPlane = await serveControlPlane(db, rt, served.assistant, service.gateway.registry, slack);
    serving(controlPlane);
    // Closed after the web server stops taking requests: answers already acknowledged still go out.
    if (slack) serving({ url: "", close: () => slack.stop() });
    serving(web);
    slackLine = await startSlack(slack, rt, web.url);
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
  console.log(`Slack: ${slackLine}`);
  console.log(
    `Control plane: ${controlPlane.url} (webhooks /webhooks/*, admin API /api/v1/admin/*; a first token: npx arthur org token --installation) · Kubernetes: ${controlPlane.kubernetes}`,
  );
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

/**
 * The assistant on its own: the Slack app on the assistant's web server, calling a gateway that runs
 * elsewhere (`arthur gateway`) over its signed internal endpoint, as the asking user.
 */
async function startAssistant(): Promise<void> {
  const rt = loadRuntime();
  const secrets = configuredSecrets(rt.config);
  if (!secrets) {
    throw new UsageError(
      "arthur assistant calls the gateway's internal endpoint: set ARTHUR_CALLER_SECRET and ARTHUR_SIGNING_SECRET (the same as the gateway's)",
    );
  }
  const { db, serving } = await openService(rt, undefined);
  try {
    await migrateArthur(db.sql);
    const registry = buildRegistry(allTools, rt.config);
    const tools = new InternalToolPort(new InternalGatewayClient(rt.config.gateway.url, secrets));
    const assistant = buildAssistant(db, rt, { registry, tools }, { interactive: true });
    const slack = buildSlackApp(db, rt, assistant, registry);
    if (!slack) {
      throw new UsageError(
        "arthur assistant serves the Slack app: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (HTTP) or SLACK_APP_TOKEN (Socket Mode)",
      );
    }
    serving({ url: "", close: () => slack.stop() });
    const { host, port } = rt.config.assistant;
    const server = await startSlackServer({ host, port, slack: slack.routes ?? new Hono() });
    serving(server);
    const line = await startSlack(slack, rt, server.url);
    console.log(
      `Arthur assistant on ${server.url} — Slack: ${line} · gateway ${rt.config.gateway.url} · Ctrl-C to stop`,
    );
  } catch (error) {
    await db.close();
    throw error;
  }
}

/** The control plane alone: its own tool service and assistant, the Slack app on /webhooks/slack/*. */
async function startControlPlaneOnly(): Promise<void> {
  const rt = loadRuntime();
  const { db, startTools, serving } = await openService(rt, undefined);
  try {
    await migrateArthur(db.sql);
    const service = startTools();
    const assistant = buildAssistant(db, rt, service, { interactive: true });
    const registry = service.gateway.registry;
    const slack = buildSlackApp(db, rt, assistant, registry);
    if (slack) serving({ url: "", close: () => slack.stop() });
    const controlPlane = await serveControlPlane(db, rt, assistant, registry, slack);
    serving(controlPlane);
    if (slack) await slack.start();
    console.log(
      `Arthur control plane on ${controlPlane.url} — webhooks /webhooks/{slack/events,slack/interactions,github,pagerduty,incidentio}, admin API /api/v1/admin/* · Kubernetes: ${controlPlane.kubernetes} · Ctrl-C to stop`,
    );
  } catch (error) {
    await db.close();
    throw error;
  }
}

export function registerServiceCommands(program: Command): void {
  program
    .command("control-plane")
    .description(
      "run the control plane: signed webhooks routed to teams, the admin API, provisioning (CONTROL_PLANE_PORT)",
    )
    .action(() => runCommand(startControlPlaneOnly));

  program
    .command("assistant")
    .description(
      "run the assistant with the Slack app (POST /slack/events on PORT, or Socket Mode), calling a running gateway (GATEWAY_URL)",
    )
    .action(() => runCommand(startAssistant));

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
