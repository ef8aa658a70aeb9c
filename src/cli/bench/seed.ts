import { createSql, migrateArthur, openDatabase, withDatabaseName } from "../../db/index.ts";
import { applyDemoSchema, defaultAnchor } from "../../demo/index.ts";
import { PRODUCTION_COUNTS } from "../../demo/volumes.ts";
import { seedWithProgress } from "../db-commands.ts";
import { loadRuntime } from "../runtime.ts";

export interface SeedBenchResult {
  suite: "seed";
  scale: number;
  seed: number;
  anchor: string;
  totalRows: number;
  seconds: number;
  rowsPerSecond: number;
  headline: { table: string; production: number; target: number; seeded: number; deviationPct: number }[];
  rowsByTable: Record<string, number>;
  node: string;
  postgres: string;
  at: string;
}

/** Seed a fresh scratch database at the given scale and measure throughput. */
export async function benchSeed(scale: number, seed: number): Promise<SeedBenchResult> {
  const rt = loadRuntime();
  const db = await openDatabase(rt.config, rt.logger);
  const scratch = `arthur_bench_${process.pid}`;
  try {
    await db.sql.unsafe(`create database "${scratch}"`);
    const sql = createSql(withDatabaseName(db.url, scratch), { maxConnections: 2 });
    try {
      await migrateArthur(sql);
      await applyDemoSchema(sql);
      const anchor = defaultAnchor();
      const report = await seedWithProgress(sql, { scale, seed, anchor });
      const [version] = await sql<{ v: string }[]>`select current_setting('server_version') as v`;
      const headline = Object.entries(PRODUCTION_COUNTS).map(([table, production]) => {
        const target = Math.round(production * scale);
        const seeded = report.rowsByTable[table] ?? 0;
        return {
          table,
          production,
          target,
          seeded,
          deviationPct: Number((((seeded - target) / target) * 100).toFixed(1)),
        };
      });
      return {
        suite: "seed",
        scale,
        seed,
        anchor: anchor.toISOString(),
        totalRows: report.totalRows,
        seconds: report.durationMs / 1000,
        rowsPerSecond: Math.round(report.totalRows / (report.durationMs / 1000)),
        headline,
        rowsByTable: report.rowsByTable,
        node: process.versions.node,
        postgres: version?.v ?? "unknown",
        at: new Date().toISOString(),
      };
    } finally {
      await sql.end();
    }
  } finally {
    await db.sql.unsafe(`drop database if exists "${scratch}" with (force)`).catch(() => {});
    await db.close();
  }
}

export function printSeedTable(result: SeedBenchResult): void {
  console.log(`\nseed benchmark — scale ${result.scale}, seed ${result.seed}, PostgreSQL ${result.postgres}`);
  console.log(
    `${"table".padEnd(14)} ${"production".padStart(11)} ${"target".padStart(9)} ${"seeded".padStart(9)} ${"Δ %".padStart(7)}`,
  );
  for (const h of result.headline) {
    console.log(
      `${h.table.padEnd(14)} ${String(h.production).padStart(11)} ${String(h.target).padStart(9)} ${String(h.seeded).padStart(9)} ${h.deviationPct.toFixed(1).padStart(7)}`,
    );
  }
  console.log(
    `\ntotal ${result.totalRows.toLocaleString("en-US")} rows in ${result.seconds.toFixed(1)} s = ${result.rowsPerSecond.toLocaleString("en-US")} rows/s`,
  );
}
