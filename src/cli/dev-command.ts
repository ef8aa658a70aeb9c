import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { type Database, maskDatabaseUrl, migrateArthur, openDatabase, ping } from "../db/index.ts";
import { applyDemoSchema, defaultAnchor, demoHasData } from "../demo/index.ts";
import { createGatewayApp, listen, type RunningServer } from "../gateway/index.ts";
import { seedWithProgress } from "./db-commands.ts";
import { loadRuntime, onShutdownSignal, type Runtime, runCommand } from "./runtime.ts";

const VERSION = (
  JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }
).version;

/** Seed the demo the first time Arthur manages an embedded database (or when --demo asks for it). */
async function prepareDemo(db: Database, rt: Runtime): Promise<void> {
  await applyDemoSchema(db.sql);
  if (await demoHasData(db.sql)) return;
  const options = { scale: rt.config.demo.scale, seed: rt.config.demo.seed, anchor: defaultAnchor() };
  rt.logger.info(options, "seeding the demo Art Battle database (first run)");
  await seedWithProgress(db.sql, options);
}

async function serveGateway(db: Database, rt: Runtime): Promise<RunningServer> {
  const app = createGatewayApp({ checkDatabase: () => ping(db.sql), logger: rt.logger, version: VERSION });
  return listen(app, rt.config.gateway.host, rt.config.gateway.port);
}

/** Open the database and arrange for Ctrl-C to close the server (once started) and the database. */
async function openService(rt: Runtime): Promise<{ db: Database; serving: (server: RunningServer) => void }> {
  const db = await openDatabase(rt.config, rt.logger);
  let server: RunningServer | undefined;
  onShutdownSignal(rt, async () => {
    await server?.close();
    await db.close();
  });
  return {
    db,
    serving: (s) => {
      server = s;
    },
  };
}

async function startDev(flags: { demo?: boolean }): Promise<void> {
  const started = performance.now();
  const rt = loadRuntime();
  const { db, serving } = await openService(rt);
  let server: RunningServer;
  try {
    await migrateArthur(db.sql);
    if (db.embedded || flags.demo) await prepareDemo(db, rt);
    server = await serveGateway(db, rt);
    serving(server);
  } catch (error) {
    await db.close();
    throw error;
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `Arthur ready in ${seconds}s — gateway ${server.url} (/healthz, /readyz) · database ${maskDatabaseUrl(db.url)}` +
      `${db.embedded ? " (embedded; full URL: npx arthur db url)" : ""} · Ctrl-C to stop`,
  );
}

async function startGateway(): Promise<void> {
  const rt = loadRuntime();
  const { db, serving } = await openService(rt);
  const server = await serveGateway(db, rt).catch(async (error: unknown) => {
    await db.close();
    throw error;
  });
  serving(server);
  console.log(`Arthur gateway listening on ${server.url}`);
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
