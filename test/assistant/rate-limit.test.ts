import { describe, expect, it } from "vitest";
import { gcra, takeRateLimits } from "../../src/assistant/rate-limit.ts";
import { createSql } from "../../src/db/index.ts";
import { useTestDatabase } from "../helpers/db.ts";

const db = useTestDatabase();
const MINUTE = 60_000;

describe("GCRA decision", () => {
  it("allows `limit` requests at once, then one per period/limit", () => {
    const rule = { limit: 20, periodMs: MINUTE };
    const now = new Date("2026-12-01T10:00:00Z");
    let tat: Date | null = null;
    for (let i = 0; i < 20; i++) {
      const d = gcra(tat, now, rule);
      expect(d.allowed).toBe(true);
      tat = d.tat;
    }
    const refused = gcra(tat, now, rule);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterMs).toBe(3000);
    expect(gcra(tat, new Date(now.getTime() + 3000), rule).allowed).toBe(true);
  });
});

describe("rate limits in Postgres", () => {
  it("refuses the 21st request of a user in a minute and says when to retry", async () => {
    const now = new Date();
    const rules = [{ key: "user:U-rl-1", limit: 20, periodMs: MINUTE }];
    const outcomes = [];
    for (let i = 0; i < 21; i++) outcomes.push(await takeRateLimits(db.sql, rules, now));
    expect(outcomes.filter((o) => o.allowed)).toHaveLength(20);
    expect(outcomes[20]).toEqual({ allowed: false, key: "user:U-rl-1", retryAfterMs: 3000 });
  });

  it("charges no rule when another refuses", async () => {
    const now = new Date();
    const channel = { key: "channel:C-rl-full", limit: 1, periodMs: MINUTE };
    expect((await takeRateLimits(db.sql, [channel], now)).allowed).toBe(true);
    const user = { key: "user:U-rl-2", limit: 2, periodMs: MINUTE };
    const refused = await takeRateLimits(db.sql, [user, channel], now);
    expect(refused).toMatchObject({ allowed: false, key: "channel:C-rl-full" });
    // The user still has both requests.
    expect((await takeRateLimits(db.sql, [user], now)).allowed).toBe(true);
    expect((await takeRateLimits(db.sql, [user], now)).allowed).toBe(true);
    expect((await takeRateLimits(db.sql, [user], now)).allowed).toBe(false);
  });

  it("holds across replicas: 40 concurrent requests through two pools allow exactly the limit", async () => {
    const other = createSql(db.url, { maxConnections: 4 });
    try {
      const now = new Date();
      const rules = [
        { key: "user:U-rl-3", limit: 20, periodMs: MINUTE },
        { key: "channel:C-rl-3", limit: 80, periodMs: MINUTE },
      ];
      const outcomes = await Promise.all(
        Array.from({ length: 40 }, (_, i) => takeRateLimits(i % 2 ? db.sql : other, rules, now)),
      );
      expect(outcomes.filter((o) => o.allowed)).toHaveLength(20);
    } finally {
      await other.end();
    }
  });
});
