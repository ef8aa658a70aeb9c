import { describe, expect, it } from "vitest";
import type { Sql } from "../../src/db/index.ts";
import { checksumTables, migrateArthur } from "../../src/db/index.ts";
import {
  applyDemoSchema,
  clearDemoData,
  DemoRefusedError,
  demoTables,
  latestSeed,
  seedDemoDatabase,
} from "../../src/demo/index.ts";
import { PRODUCTION_COUNTS } from "../../src/demo/volumes.ts";
import { TEST_ANCHOR, TEST_SCALE, TEST_SEED } from "../helpers/constants.ts";
import { useTestDatabase, withScratchDatabase } from "../helpers/db.ts";

const db = useTestDatabase();

async function publicChecksums(sql: Sql) {
  const tables = (await demoTables(sql)).filter((t) => t.schema === "public").map((t) => t.table);
  return checksumTables(sql, tables);
}

async function seedFresh(sql: Sql, seed: number, scale = TEST_SCALE) {
  await migrateArthur(sql);
  await applyDemoSchema(sql);
  return seedDemoDatabase(sql, { scale, seed, anchor: TEST_ANCHOR });
}

describe("demo seeder", () => {
  it("is deterministic: the same seed and anchor give identical rows in every table", async () => {
    const reference = await publicChecksums(db.sql);
    await withScratchDatabase(async (sql) => {
      await seedFresh(sql, TEST_SEED);
      expect(await publicChecksums(sql)).toEqual(reference);
    });
    expect(reference.filter((t) => t.rows === 0 && t.table !== "vote_weights").map((t) => t.table)).toEqual(
      [],
    );
  });

  it("gives different rows for a different seed", async () => {
    const reference = await publicChecksums(db.sql);
    await withScratchDatabase(async (sql) => {
      await seedFresh(sql, TEST_SEED + 1);
      const other = await publicChecksums(sql);
      const changed = other.filter((t, i) => t.md5 !== reference[i]?.md5 && t.rows > 0);
      expect(changed.map((t) => t.table)).toEqual(
        expect.arrayContaining(["people", "events", "votes", "bids"]),
      );
    });
  });

  it("lands near production volumes scaled down (headline tables within 15% at this small scale)", async () => {
    for (const [table, production] of Object.entries(PRODUCTION_COUNTS)) {
      const [row] = await db.sql<{ n: number }[]>`select count(*)::int as n from ${db.sql(table)}`;
      const target = production * TEST_SCALE;
      expect({ table, ratio: Number(((row?.n ?? 0) / target).toFixed(2)) }).toEqual({
        table,
        ratio: expect.toSatisfy((r: number) => r >= 0.85 && r <= 1.15),
      });
    }
  });

  it("records what it seeded, and refuses to seed over existing rows", async () => {
    const seed = await latestSeed(db.sql);
    expect(seed).toMatchObject({ seed: TEST_SEED, anchor: TEST_ANCHOR });
    await expect(
      seedDemoDatabase(db.sql, { scale: TEST_SCALE, seed: 7, anchor: TEST_ANCHOR }),
    ).rejects.toBeInstanceOf(DemoRefusedError);
  });

  it("leaves the database untouched when a seed fails part-way", async () => {
    await withScratchDatabase(async (sql) => {
      await migrateArthur(sql);
      await applyDemoSchema(sql);
      // Sabotage a late table so the failure happens after many rows were streamed.
      await sql`alter table email_logs add constraint no_rows check (false) not valid`;
      await expect(seedDemoDatabase(sql, { scale: 0.005, seed: 1, anchor: TEST_ANCHOR })).rejects.toThrow();
      const [counts] = await sql<{ events: number; people: number; seeds: number }[]>`
        select (select count(*)::int from events) as events, (select count(*)::int from people) as people,
               (select count(*)::int from arthur_demo_seeds) as seeds`;
      expect(counts).toEqual({ events: 0, people: 0, seeds: 0 });
      await sql`alter table email_logs drop constraint no_rows`;
      await clearDemoData(sql);
      const report = await seedDemoDatabase(sql, { scale: 0.005, seed: 1, anchor: TEST_ANCHOR });
      expect(report.totalRows).toBeGreaterThan(1000);
    });
  });
});
