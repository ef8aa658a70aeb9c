import { type CopyValue, json } from "../copy.ts";
import type { Rng } from "../random.ts";
import type { SeedContext, WorldEvent } from "../world.ts";
import { at, cityName, DAY, HOUR, MINUTE, nicePrice, type WorldIndex } from "./shared.ts";

/** Events the Meta ads cache covers: shows of the next 45 days and the last two weeks. */
function adEvents(index: WorldIndex, anchor: Date): WorldEvent[] {
  const now = anchor.getTime();
  return index.eventsByStart.filter(
    (e) => e.startsAt.getTime() >= now - 14 * DAY && e.startsAt.getTime() <= now + 45 * DAY,
  );
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/** One meta-ads-report snapshot: campaigns and ad sets with spend, reach and conversions. */
function report(
  rng: Rng,
  index: WorldIndex,
  event: WorldEvent,
  budget: number,
  progress: number,
  when: Date,
) {
  const city = cityName(index, event);
  const ticket = nicePrice(rng.float(25, 45), event.currency) / 100;
  const campaigns = ["Prospecting", "Retargeting", "Lookalike 1%"].slice(0, rng.int(1, 3)).map((label) => {
    const spend = round2((budget / 2) * progress * rng.float(0.5, 1.1));
    const reach = Math.round(spend * rng.float(25, 80));
    const clicks = Math.round(reach * rng.float(0.01, 0.03));
    const conversions = Math.round(clicks * rng.float(0.03, 0.12));
    return { label, spend, reach, clicks, conversions, value: round2(conversions * ticket) };
  });
  const sum = (key: "spend" | "reach" | "clicks" | "conversions" | "value") =>
    campaigns.reduce((s, c) => s + c[key], 0);
  const spend = round2(sum("spend"));
  const value = round2(sum("value"));
  return {
    event_eid: event.eid,
    total_spend: spend,
    total_budget: budget,
    budget_remaining: round2(Math.max(0, budget - spend)),
    budget_utilization: round2((spend / budget) * 100),
    total_reach: sum("reach"),
    total_clicks: sum("clicks"),
    conversions: sum("conversions"),
    conversion_value: value,
    roas: spend > 0 ? round2(value / spend) : 0,
    currency: event.currency,
    campaigns: campaigns.map((c, i) => ({
      id: `2385${String(rng.int(10_000_000, 99_999_999))}${i}`,
      name: `${event.eid} ${city} – ${c.label}`,
      spend: c.spend,
      reach: c.reach,
      clicks: c.clicks,
      conversions: c.conversions,
      conversion_value: c.value,
      status: event.startsAt > when ? "ACTIVE" : "COMPLETED",
    })),
    adsets: campaigns.map((c, i) => ({
      id: `2386${String(rng.int(10_000_000, 99_999_999))}${i}`,
      name: `${city} ${c.label} – 25-54`,
      campaign_name: `${event.eid} ${city} – ${c.label}`,
      spend: c.spend,
      reach: c.reach,
      clicks: c.clicks,
      conversions: c.conversions,
      conversion_value: c.value,
      status: event.startsAt > when ? "ACTIVE" : "PAUSED",
    })),
    last_updated: when.toISOString(),
  };
}

export async function seedMetaAds(ctx: SeedContext, index: WorldIndex): Promise<void> {
  const rng = ctx.rng("commerce:meta-ads");
  const rows: CopyValue[][] = [];
  for (const event of adEvents(index, ctx.anchor)) {
    const budget = Number(event.metaAdsBudget ?? 0) || rng.int(3, 30) * 100;
    const campaignStart = at(event.startsAt, -35 * DAY);
    const refreshes = rng.int(1, 10);
    let when = at(ctx.anchor, -rng.int(10, 300) * MINUTE);
    for (let i = 0; i < refreshes && when > campaignStart; i++) {
      const span = event.startsAt.getTime() - campaignStart.getTime();
      const progress = Math.min(1, Math.max(0.05, (when.getTime() - campaignStart.getTime()) / span));
      rows.push([
        rng.uuid(),
        event.eid,
        "meta_ads",
        report(rng, index, event, budget, progress, when),
        when,
        at(when, 6 * HOUR),
        event.name,
        rng.int(0, 6),
        rng.chance(0.6) ? at(when, rng.int(1, 300) * MINUTE) : null,
      ]);
      when = at(when, -rng.float(6.5, 60) * HOUR);
    }
  }
  await ctx.copy(
    "ai_analysis_cache",
    [
      "id",
      "event_id",
      "analysis_type",
      "result",
      "created_at",
      "expires_at",
      "event_name",
      "served_count",
      "last_served_at",
    ],
    rows.map((r) => {
      const served = r[8] as Date | null;
      return served && served > ctx.anchor ? [...r.slice(0, 8), null] : r;
    }),
  );
  await seedCronLog(ctx, index);
}

/** One row per daily meta-ads-cache-cron run (08:00 UTC), newest at or before the anchor. */
async function seedCronLog(ctx: SeedContext, index: WorldIndex): Promise<void> {
  const rng = ctx.rng("commerce:meta-ads-cron");
  const last = new Date(ctx.anchor);
  last.setUTCHours(8, 0, 0, 0);
  if (last > ctx.anchor) last.setUTCDate(last.getUTCDate() - 1);
  const rows: CopyValue[][] = [];
  const days = ctx.count(120, 7);
  for (let d = days - 1; d >= 0; d--) {
    const executed = at(last, -d * DAY + rng.int(0, 40) * 1000);
    const live = index.eventsByStart.filter(
      (e) =>
        e.startsAt.getTime() >= executed.getTime() - 7 * DAY &&
        e.startsAt.getTime() <= executed.getTime() + 45 * DAY,
    );
    const total = Math.max(live.length, rng.int(10, 40));
    const failed = rng.chance(0.15) ? rng.int(1, 3) : 0;
    const skipped = rng.int(0, Math.min(5, total - failed));
    const failures = rng.sample(live, failed).map((e) => ({
      eid: e.eid,
      name: e.name,
      error: rng.pick([
        "No Meta campaign matches this EID",
        "Meta API error (#17): User request limit reached",
      ]),
      timestamp: at(executed, rng.int(5, 90) * 1000).toISOString(),
    }));
    rows.push([
      rng.uuid(),
      executed,
      failures.length > 0 ? "completed_with_errors" : "success",
      total,
      total - failures.length - skipped,
      failures.length,
      skipped,
      failures.length > 0 ? json(failures) : null,
      rng.int(15_000, 120_000),
      {
        date_range: {
          since: at(executed, -30 * DAY)
            .toISOString()
            .slice(0, 10),
          until: executed.toISOString().slice(0, 10),
        },
        events_processed: live.slice(0, 12).map((e) => e.eid),
      },
    ]);
  }
  await ctx.copy(
    "meta_ads_cache_cron_log",
    [
      "id",
      "executed_at",
      "status",
      "total_events",
      "successful",
      "failed",
      "skipped",
      "errors",
      "duration_ms",
      "response",
    ],
    rows,
  );
}
