import { describe, expect, it } from "vitest";
import type { HealthCheckResult } from "../../../src/packs/data-read/health-check.ts";
import { debugEventVisibility, runEventHealthCheck } from "../../../src/packs/data-read/index.ts";
import type { VisibilityResult } from "../../../src/packs/data-read/visibility.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { runReadTool } from "../../helpers/tools.ts";

const db = useTestDatabase();

describe("debug_event_visibility", () => {
  it("explains that AB4023 is enabled but hidden from the app by show_in_app = false", async () => {
    const result = await runReadTool<VisibilityResult>(db.sql, debugEventVisibility, { eid: "AB4023" });
    expect(result).toMatchObject({ enabled: true, show_in_app: false, visible_in_app: false });
    const blocking = result.issues.filter((i) => i.severity === "blocking").map((i) => i.code);
    expect(blocking).toEqual(["hidden_from_app"]);
    expect(result.issues[0]?.message).toContain("show_in_app");
    expect(debugEventVisibility.format(result)).toContain("NOT visible");
  });

  it("reports AB4098 as not enabled at all", async () => {
    const result = await runReadTool<VisibilityResult>(db.sql, debugEventVisibility, { eid: "AB4098" });
    expect(result.visible_in_app).toBe(false);
    expect(result.issues.map((i) => i.code)).toEqual(
      expect.arrayContaining(["not_enabled", "hidden_from_app"]),
    );
  });

  it("lists AB4120's live-app cache versions matched by EID, with their /live/event/AB4120… paths", async () => {
    const rows = await db.sql<{ endpoint_path: string; last_updated: Date }[]>`
      select endpoint_path, last_updated from endpoint_cache_versions where event_eid = 'AB4120'`;
    expect(rows.length).toBeGreaterThan(0);
    const result = await runReadTool<VisibilityResult>(db.sql, debugEventVisibility, { eid: "ab4120" });
    expect(result.visible_in_app).toBe(true);
    expect(result.issues.filter((i) => i.severity === "blocking")).toEqual([]);
    expect(result.live_cache.total_entries).toBe(rows.length);
    expect(new Set(result.live_cache.entries.map((e) => e.endpoint_path))).toEqual(
      new Set(rows.map((r) => r.endpoint_path)),
    );
    expect(result.live_cache.entries.every((e) => e.endpoint_path.startsWith("/live/event/AB4120"))).toBe(
      true,
    );
    const main = rows.find((r) => r.endpoint_path === "/live/event/AB4120");
    expect(result.live_cache.main_last_updated).toBe(main?.last_updated.toISOString());
    const times = result.live_cache.entries.map((e) => Date.parse(e.last_updated));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });
});

/** A fresh upcoming event three days out with every setup problem the rules look for. */
async function brokenEvent(): Promise<void> {
  await db.sql`
    insert into events (eid, name, city_id, country_id, event_start_datetime, event_end_datetime, timezone_icann,
                        currency, capacity, enabled, show_in_app)
    select 'AB9950', 'AB9950 – Toronto', c.id, c.country_id, now() + interval '3 days',
           now() + interval '3 days 3 hours', 'America/Toronto', 'USD', null, true, false
    from cities c where c.name = 'Toronto'`;
}

describe("run_event_health_check", () => {
  it("fails an event without a city and lets an active linter suppression silence that rule", async () => {
    const [cityless] = await db.sql<{ eid: string; id: string }[]>`
      select eid, id from events where city_id is null order by eid limit 1`;
    if (!cityless) throw new Error("the seed has no event without a city");
    const before = await runReadTool<HealthCheckResult>(db.sql, runEventHealthCheck, { eid: cityless.eid });
    expect(before.pass).toBe(false);
    expect(before.findings).toContainEqual(
      expect.objectContaining({ rule_id: "missing_city", severity: "error" }),
    );

    await db.sql`
      insert into linter_suppressions (rule_id, event_id, reason, suppressed_until)
      values ('missing_city', ${cityless.id}, 'Online show', now() + interval '1 day')`;
    const after = await runReadTool<HealthCheckResult>(db.sql, runEventHealthCheck, { eid: cityless.eid });
    expect(after.findings.map((f) => f.rule_id)).not.toContain("missing_city");
    expect(after.suppressed).toContainEqual(
      expect.objectContaining({ rule_id: "missing_city", reason: "Online show" }),
    );
    expect(after.pass).toBe(after.findings.every((f) => f.severity !== "error"));
  });

  it("passes AB4001, whose city, time zone, start and currency are all set and consistent", async () => {
    const [facts] = await db.sql<{ ok: boolean }[]>`
      select e.city_id is not null and e.timezone_icann is not null and e.event_start_datetime is not null
             and e.currency = co.currency_code as ok
      from events e join cities c on c.id = e.city_id join countries co on co.id = c.country_id
      where e.eid = 'AB4001'`;
    expect(facts?.ok).toBe(true);
    const result = await runReadTool<HealthCheckResult>(db.sql, runEventHealthCheck, { eid: "AB4001" });
    expect(result.pass).toBe(true);
    expect(result.counts.error).toBe(0);
    expect(result.rules_checked).toContain("currency_country_mismatch");
  });

  it("flags every setup problem of an upcoming event, with linter severities and inactive rules skipped", async () => {
    await brokenEvent();
    await db.sql`update event_linter_rules set status = 'inactive' where rule_id = 'capacity_not_set'`;
    const result = await runReadTool<HealthCheckResult>(db.sql, runEventHealthCheck, { eid: "AB9950" });
    const found = Object.fromEntries(result.findings.map((f) => [f.rule_id, f.severity]));
    expect(found).toEqual({
      currency_country_mismatch: "error",
      missing_venue: "warning",
      not_shown_in_app: "warning",
      eventbrite_not_linked: "warning",
      no_artworks: "warning",
      event_info_not_approved: "info",
    });
    expect(result.pass).toBe(false);
    expect(result.rules_inactive).toEqual(["capacity_not_set"]);
    expect(result.findings.map((f) => f.severity)).toEqual([
      "error",
      "warning",
      "warning",
      "warning",
      "warning",
      "info",
    ]);
    expect(runEventHealthCheck.format(result)).toContain("FAIL");
  });
});
