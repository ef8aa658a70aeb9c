import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { createSql, migrateArthur, startEmbeddedPostgres, withDatabaseName } from "../src/db/index.ts";
import { applyDemoSchema, seedDemoDatabase } from "../src/demo/index.ts";
import { createLogger } from "../src/observability/index.ts";
import { TEST_ANCHOR, TEST_SCALE, TEST_SEED } from "./helpers/constants.ts";
import { freePort } from "./helpers/process.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** URL of a database on the test server with rights to CREATE DATABASE. */
    adminUrl: string;
    /** Name of the migrated, seeded template every test database is cloned from. */
    templateDatabase: string;
  }
}

/**
 * Start one real PostgreSQL for the whole run (embedded, or TEST_DATABASE_URL when set) and build a
 * template database: Arthur's migrations + the demo schema + a small deterministic seed.
 */
export async function setup(project: TestProject): Promise<() => Promise<void>> {
  const logger = createLogger("warn", { pretty: true });
  let adminUrl = process.env.TEST_DATABASE_URL;
  let stopServer = async () => {};
  let home: string | undefined;
  if (!adminUrl) {
    home = mkdtempSync(join(tmpdir(), "arthur-test-"));
    const server = await startEmbeddedPostgres({
      home,
      port: await freePort(),
      logger,
      database: "postgres",
    });
    adminUrl = server.url;
    stopServer = server.stop;
  }
  const templateDatabase = `arthur_template_${process.pid}`;
  const admin = createSql(adminUrl, { maxConnections: 1 });
  await admin.unsafe(`drop database if exists "${templateDatabase}"`);
  await admin.unsafe(`create database "${templateDatabase}"`);
  const template = createSql(withDatabaseName(adminUrl, templateDatabase), { maxConnections: 2 });
  try {
    await migrateArthur(template);
    await applyDemoSchema(template);
    await seedDemoDatabase(template, { scale: TEST_SCALE, seed: TEST_SEED, anchor: TEST_ANCHOR });
  } finally {
    await template.end();
  }
  project.provide("adminUrl", adminUrl);
  project.provide("templateDatabase", templateDatabase);
  return async () => {
    await admin.unsafe(`drop database if exists "${templateDatabase}" with (force)`).catch(() => {});
    await admin.end();
    await stopServer();
    if (home) rmSync(home, { recursive: true, force: true });
  };
}
