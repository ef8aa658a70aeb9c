import type { Sql } from "postgres";
import { type CopyValue, copyRows } from "./copy.ts";
import { Rng } from "./random.ts";
import type { SeedContext, SeedOptions } from "./world.ts";

export interface ProgressSink {
  /** Called once per table before its rows stream. */
  startTable(table: string): void;
  /** Rows written so far for the current table. */
  advance(rows: number): void;
}

export const silentProgress: ProgressSink = { startTable() {}, advance() {} };

/** Build the context every seeding domain receives. */
export function createSeedContext(
  sql: Sql,
  options: SeedOptions,
  progress: ProgressSink,
  written: Map<string, number>,
): SeedContext {
  return {
    ...options,
    sql,
    rng: (stream: string) => new Rng(options.seed, stream),
    count: (production: number, minimum = 1) => Math.max(minimum, Math.round(production * options.scale)),
    async copy(table: string, columns: readonly string[], rows: Iterable<readonly CopyValue[]>) {
      progress.startTable(table);
      const n = await copyRows(sql, table, columns, rows, (k) => progress.advance(k));
      written.set(table, (written.get(table) ?? 0) + n);
      return n;
    },
  };
}
