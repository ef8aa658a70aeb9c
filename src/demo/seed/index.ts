import type { Sql } from "postgres";
import { seedCommerce } from "./commerce/index.ts";
import { createSeedContext, type ProgressSink, silentProgress } from "./context.ts";
import { seedCore } from "./core/index.ts";
import type { SeedOptions } from "./world.ts";

export type { ProgressSink } from "./context.ts";
export type { SeedOptions } from "./world.ts";

export interface SeedReport {
  rowsByTable: Record<string, number>;
  totalRows: number;
  durationMs: number;
}

/**
 * Fill an empty demo schema with deterministic synthetic Art Battle data.
 * Runs in one transaction: a failure leaves the database as it was.
 */
export async function seedDemo(
  sql: Sql,
  options: SeedOptions,
  progress: ProgressSink = silentProgress,
): Promise<SeedReport> {
  const started = performance.now();
  const written = new Map<string, number>();
  await sql.begin(async (tx) => {
    const ctx = createSeedContext(tx as unknown as Sql, options, progress, written);
    const world = await seedCore(ctx, undefined);
    await seedCommerce(ctx, world);
  });
  const rowsByTable = Object.fromEntries([...written.entries()].sort(([a], [b]) => a.localeCompare(b)));
  const totalRows = [...written.values()].reduce((a, b) => a + b, 0);
  return { rowsByTable, totalRows, durationMs: Math.round(performance.now() - started) };
}
