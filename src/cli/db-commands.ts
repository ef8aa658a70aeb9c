import type { Command } from "commander";
import {
  ARTHUR_MIGRATION_SET,
  appliedMigrations,
  checksumTables,
  type Database,
  maskDatabaseUrl,
  migrateArthur,
  openDatabase,
} from "../db/index.ts";
import {
  applyDemoSchema,
  clearDemoData,
  DEMO_MIGRATION_SET,
  defaultAnchor,
  demoTables,
  latestSeed,
  type SeedReport,
  seedDemoDatabase,
} from "../demo/index.ts";
import { seedProgress } from "./progress.ts";
import {
  loadRuntime,
  onShutdownSignal,
  parseDateOption,
  parseNumberOption,
  type Runtime,
  runCommand,
} from "./runtime.ts";

/** Open the database for a one-shot command and always close it (stopping an embedded server we started). */
export async function withDatabase(body: (db: Database, rt: Runtime) => Promise<void>): Promise<void> {
  const rt = loadRuntime();
  const db = await openDatabase(rt.config, rt.logger);
  // Interrupted: roll back by closing the connections and stop the embedded server we started.
  const removeHandlers = onShutdownSignal(rt, () => db.close(), 130);
  try {
    await body(db, rt);
  } finally {
    removeHandlers();
    await db.close();
  }
}

export interface SeedFlags {
  scale?: string;
  seed?: string;
  anchor?: string;
  reset?: boolean;
}

export function seedOptionsFrom(flags: SeedFlags, rt: Runtime) {
  return {
    scale: flags.scale
      ? parseNumberOption(
          "--scale",
          flags.scale,
          (n) => n > 0 && n <= 10,
          "must be a number above 0 and at most 10",
        )
      : rt.config.demo.scale,
    seed: flags.seed
      ? parseNumberOption(
          "--seed",
          flags.seed,
          (n) => Number.isInteger(n) && n >= 0 && n < 2 ** 31,
          "must be a whole number",
        )
      : rt.config.demo.seed,
    anchor: flags.anchor ? parseDateOption("--anchor", flags.anchor) : defaultAnchor(),
  };
}

export function printSeedReport(
  report: SeedReport,
  options: { scale: number; seed: number; anchor: Date },
): void {
  const rate = Math.round(report.totalRows / Math.max(0.001, report.durationMs / 1000));
  console.log(
    `Seeded ${report.totalRows.toLocaleString("en-US")} rows in ${(report.durationMs / 1000).toFixed(1)} s ` +
      `(${rate.toLocaleString("en-US")} rows/s) — scale ${options.scale}, seed ${options.seed}, anchor ${options.anchor.toISOString()}`,
  );
}

/** Seed with a terminal progress bar and print a one-line summary. */
export async function seedWithProgress(
  sql: Database["sql"],
  options: { scale: number; seed: number; anchor: Date },
): Promise<SeedReport> {
  const progress = seedProgress(options.scale);
  try {
    const report = await seedDemoDatabase(sql, options, progress);
    progress.stop();
    printSeedReport(report, options);
    return report;
  } finally {
    progress.stop();
  }
}

async function seedInto(db: Database, rt: Runtime, flags: SeedFlags): Promise<void> {
  const options = seedOptionsFrom(flags, rt);
  await migrateArthur(db.sql);
  await applyDemoSchema(db.sql);
  if (flags.reset) await clearDemoData(db.sql);
  await seedWithProgress(db.sql, options);
}

export function registerDbCommands(program: Command): void {
  const db = program.command("db").description("database: migrations, demo data, checksums");

  db.command("migrate")
    .description("apply Arthur's own migrations (esbmcp_ tables, views, retention)")
    .action(() =>
      runCommand(() =>
        withDatabase(async (database) => {
          const result = await migrateArthur(database.sql);
          console.log(
            result.applied.length
              ? `Applied ${result.applied.length} migration(s): ${result.applied.join(", ")}`
              : `Database is up to date (${result.skipped} migration(s) already applied)`,
          );
        }),
      ),
    );

  db.command("demo")
    .description(
      "create the demo Art Battle schema and seed it if empty (refuses a real Art Battle database)",
    )
    .option("--scale <n>", "data volume; 1 = production volumes (default DEMO_SCALE)")
    .option("--seed <int>", "random seed (default DEMO_SEED)")
    .option("--anchor <iso-date>", "the demo's 'now' (default: start of the current UTC hour)")
    .action((flags: SeedFlags) =>
      runCommand(() =>
        withDatabase(async (database, rt) => {
          await migrateArthur(database.sql);
          await applyDemoSchema(database.sql);
          const existing = await latestSeed(database.sql);
          if (existing) {
            console.log(
              `Demo already seeded (seed ${existing.seed}, scale ${existing.scale}); nothing to do`,
            );
            return;
          }
          await seedInto(database, rt, flags);
        }),
      ),
    );

  db.command("seed")
    .description("fill the demo Art Battle tables with deterministic synthetic data")
    .option("--scale <n>", "data volume; 1 = production volumes (default DEMO_SCALE)")
    .option("--seed <int>", "random seed; the same seed and anchor give identical rows (default DEMO_SEED)")
    .option("--anchor <iso-date>", "the demo's 'now' (default: start of the current UTC hour)")
    .option("--reset", "empty the demo tables first")
    .action((flags: SeedFlags) =>
      runCommand(() => withDatabase((database, rt) => seedInto(database, rt, flags))),
    );

  db.command("checksum")
    .description("row count and order-independent checksum of every demo table")
    .option("--json", "print JSON")
    .action((flags: { json?: boolean }) =>
      runCommand(() =>
        withDatabase(async (database) => {
          const tables = (await demoTables(database.sql))
            .filter((t) => t.schema === "public")
            .map((t) => t.table);
          const sums = await checksumTables(database.sql, tables);
          if (flags.json) console.log(JSON.stringify(sums, null, 2));
          else
            for (const s of sums)
              console.log(`${s.table.padEnd(36)} ${String(s.rows).padStart(9)}  ${s.md5}`);
        }),
      ),
    );

  db.command("status")
    .description("where the database is and which migrations are applied")
    .action(() =>
      runCommand(() =>
        withDatabase(async (database) => {
          console.log(`database   ${maskDatabaseUrl(database.url)}${database.embedded ? " (embedded)" : ""}`);
          console.log(
            `arthur     ${(await appliedMigrations(database.sql, ARTHUR_MIGRATION_SET)).length} migration(s) applied`,
          );
          console.log(
            `demo       ${(await appliedMigrations(database.sql, DEMO_MIGRATION_SET)).length} migration(s) applied`,
          );
          const seed = await latestSeed(database.sql);
          console.log(
            seed
              ? `seed       ${seed.seed} at scale ${seed.scale}, anchor ${seed.anchor.toISOString()}, ${seed.totalRows} rows`
              : "seed       none",
          );
        }),
      ),
    );

  db.command("url")
    .description("print the full database URL, password included (only on request)")
    .action(() =>
      runCommand(async () => {
        const rt = loadRuntime();
        if (rt.config.database.url) {
          console.log(rt.config.database.url);
          return;
        }
        const database = await openDatabase(rt.config, rt.logger);
        console.log(database.url);
        await database.close();
      }),
    );
}
