import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import type { Caller, ImageRef } from "../../../src/catalog/index.ts";
import {
  generateChart,
  getChartComparators,
  setChartComparators,
} from "../../../src/packs/eventbrite-charts/index.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { connectMcp, useGateway } from "../../helpers/gateway.ts";
import { refusalOf, runReadTool, runWriteTool } from "../../helpers/tools.ts";

const db = useTestDatabase();
const gateway = useGateway(db);

const producer: Caller = {
  userId: "U-producer",
  role: "event-producer",
  teamId: null,
  channelId: null,
  sessionId: null,
  via: "token",
};

interface Candidate {
  eid: string;
  city: string | null;
  pool: "same_city" | "cross_city";
  total_tickets: number | null;
  scores: { city: number; scale: number; price: number; recency: number; weekday: number };
  total_score: number;
  has_order_history: boolean;
}
interface ComparatorsResult {
  source: "stored" | "scored";
  selected: string[];
  candidates: Candidate[];
  chosen: { comparator_eids: string[] } | null;
}
interface ChartResult {
  chart: ImageRef | null;
  ticket_count: number;
  revenue: string | null;
  pace_per_day: number;
  days_until_event: number | null;
  comparators: string[];
  comparators_skipped: { eid: string; reason: string }[];
  note: string | null;
}

/** Tickets of an event's sold orders, counted independently of the chart code. */
async function soldTickets(eid: string): Promise<{ tickets: number; gross: string }> {
  const [row] = await db.sql<{ tickets: number; gross: string }[]>`
    select coalesce(sum(greatest(o.attendee_count, jsonb_array_length(o.attendees), 1)), 0)::int as tickets,
           coalesce(sum(o.gross), 0)::text as gross
    from eventbrite_orders_cache o join events e on e.id = o.event_id
    where e.eid = ${eid} and o.order_status in ('placed', 'Attending')`;
  return row ?? { tickets: 0, gross: "0" };
}

async function withOrders(eids: string[]): Promise<Set<string>> {
  const rows = await db.sql<{ eid: string }[]>`
    select distinct e.eid from events e join eventbrite_orders_cache o on o.event_id = e.id
    where e.eid in ${db.sql(eids)} and o.order_status in ('placed', 'Attending')`;
  return new Set(rows.map((r) => r.eid));
}

function decode(png: Buffer) {
  const image = PNG.sync.read(png);
  let nonWhite = 0;
  for (let i = 0; i < image.data.length; i += 4) {
    if ((image.data[i] ?? 255) < 230 || (image.data[i + 1] ?? 255) < 230 || (image.data[i + 2] ?? 255) < 230)
      nonWhite++;
  }
  return { width: image.width, height: image.height, nonWhiteShare: nonWhite / (image.width * image.height) };
}

describe("get_chart_comparators", () => {
  it("scores each comparable event once, from its newest cache row, and picks drawable ones by pool", async () => {
    const result = await runReadTool<ComparatorsResult>(db.sql, getChartComparators, { eid: "AB4125" });
    expect(result.source).toBe("scored");
    const eids = result.candidates.map((c) => c.eid);
    expect(new Set(eids).size).toBe(eids.length);

    // Pools from the seeded events: same city 30–540 days ago, other cities 30–365 days ago.
    const expected = await db.sql<{ eid: string; pool: string }[]>`
      with t as (select id, city_id from events where eid = 'AB4125')
      select e.eid, case when e.city_id = t.city_id then 'same_city' else 'cross_city' end as pool
      from events e, t
      where e.id <> t.id and nullif(e.eventbrite_id, '') is not null
        and ((e.city_id = t.city_id and e.event_start_datetime between now() - interval '540 days' and now() - interval '30 days')
          or (e.city_id is distinct from t.city_id and e.event_start_datetime between now() - interval '365 days' and now() - interval '30 days'))`;
    expect(expected.filter((e) => e.pool === "same_city").length).toBeLessThanOrEqual(20);
    expect(new Set(eids)).toEqual(new Set(expected.map((e) => e.eid)));
    for (const c of result.candidates) {
      expect(c.pool).toBe(expected.find((e) => e.eid === c.eid)?.pool);
      const weighted =
        0.45 * c.scores.city +
        0.25 * c.scores.scale +
        0.15 * c.scores.price +
        0.1 * c.scores.recency +
        0.05 * c.scores.weekday;
      expect(Math.abs(weighted - c.total_score)).toBeLessThan(0.003);
    }

    // Scale similarity uses the newest cache row of each side (the cache is append-only).
    const [target] = await db.sql<{ tickets: number }[]>`
      select x.total_tickets_sold as tickets from eventbrite_api_cache x join events e on e.eventbrite_id = x.eventbrite_id
      where e.eid = 'AB4125' order by x.fetched_at desc limit 1`;
    const withTickets = result.candidates.find((c) => (c.total_tickets ?? 0) > 0);
    if (target && target.tickets > 0 && withTickets?.total_tickets) {
      const ratio =
        Math.min(target.tickets, withTickets.total_tickets) /
        Math.max(target.tickets, withTickets.total_tickets);
      expect(withTickets.scores.scale).toBeCloseTo(ratio, 3);
    }

    // Selection: the three best same-city and two best cross-city candidates that can be drawn.
    const drawable = await withOrders(eids);
    const ranked = [...result.candidates].sort((a, b) => b.total_score - a.total_score);
    const same = ranked.filter((c) => c.pool === "same_city" && drawable.has(c.eid)).slice(0, 3);
    const cross = ranked.filter((c) => c.pool === "cross_city" && drawable.has(c.eid)).slice(0, 2);
    expect(same.length).toBeGreaterThan(0);
    const picked = [...same, ...cross];
    const backfill = ranked
      .filter((c) => drawable.has(c.eid) && !picked.includes(c))
      .slice(0, 5 - picked.length);
    expect(result.selected).toEqual([...picked, ...backfill].map((c) => c.eid));
  });

  it("stores the scores once per pair and reuses them for a day unless asked to rescore", async () => {
    const first = await runReadTool<ComparatorsResult>(db.sql, getChartComparators, {
      eid: "AB4130",
      force_rescore: true,
    });
    const stored = await db.sql<{ n: number; pairs: number }[]>`
      select count(*)::int as n, count(distinct candidate_eid)::int as pairs
      from esbmcp_chart_comparator_candidates where target_eid = 'AB4130'`;
    expect(stored[0]?.n).toBe(first.candidates.length);
    expect(stored[0]?.pairs).toBe(first.candidates.length);
    const again = await runReadTool<ComparatorsResult>(db.sql, getChartComparators, { eid: "AB4130" });
    expect(again.source).toBe("stored");
    expect(again.selected).toEqual(first.selected);
    const rescored = await runReadTool<ComparatorsResult>(db.sql, getChartComparators, {
      eid: "AB4130",
      force_rescore: true,
    });
    expect(rescored.source).toBe("scored");
    const after = await db.sql<{ n: number }[]>`
      select count(*)::int as n from esbmcp_chart_comparator_candidates where target_eid = 'AB4130'`;
    expect(after[0]?.n).toBe(first.candidates.length);
  });
});

/** Two scored comparators of `eid` that can be drawn and one that cannot (from the seeded rows). */
async function pickComparators(eid: string): Promise<{ drawable: string[]; undrawable: string | undefined }> {
  const scored = await runReadTool<ComparatorsResult>(db.sql, getChartComparators, { eid });
  const eids = scored.candidates.map((c) => c.eid);
  const withHistory = await withOrders(eids);
  return {
    drawable: eids.filter((e) => withHistory.has(e)).slice(-2),
    undrawable: eids.find((e) => !withHistory.has(e)),
  };
}

describe("set_chart_comparators", () => {
  it("takes an array of eids, stores the choice for the event and its live schedules, and clears it with []", async () => {
    const [job] = await db.sql<{ id: string }[]>`
      insert into esbmcp_scheduled_chart_jobs (eid, eventbrite_id, slack_channel_id, next_run_at)
      values ('AB4130', '1', 'C0123456789', now() + interval '1 day') returning id`;
    const { drawable } = await pickComparators("AB4130");
    expect(drawable.length).toBe(2);
    const [first, second] = drawable as [string, string];
    const set = await runWriteTool<{ mode: string; schedules_updated: number }>(
      db.sql,
      setChartComparators,
      { eid: "ab4130", comparator_eids: [first, second.toLowerCase()] },
      { caller: producer },
    );
    expect(set).toMatchObject({ mode: "locked", schedules_updated: 1 });
    const [lock] = await db.sql<{ comparator_eids: string[]; set_by: string }[]>`
      select comparator_eids, set_by from arthur_chart_comparator_locks where eid = 'AB4130'`;
    expect(lock).toEqual({ comparator_eids: [first, second], set_by: "U-producer" });
    const [updated] = await db.sql<{ comparator_mode: string; locked_comparators: string[] }[]>`
      select comparator_mode, locked_comparators from esbmcp_scheduled_chart_jobs where id = ${job?.id ?? ""}`;
    expect(updated).toEqual({ comparator_mode: "locked", locked_comparators: [first, second] });

    const chart = await runReadTool<ChartResult>(db.sql, generateChart, { eid: "AB4130" });
    expect(chart.comparators).toEqual([first, second]);
    const comparators = await runReadTool<ComparatorsResult>(db.sql, getChartComparators, { eid: "AB4130" });
    expect(comparators.chosen?.comparator_eids).toEqual([first, second]);

    await runWriteTool(db.sql, setChartComparators, { eid: "AB4130", comparator_eids: [] });
    const left = await db.sql`select 1 from arthur_chart_comparator_locks where eid = 'AB4130'`;
    expect(left.length).toBe(0);
    const [auto] = await db.sql<{ comparator_mode: string }[]>`
      select comparator_mode from esbmcp_scheduled_chart_jobs where id = ${job?.id ?? ""}`;
    expect(auto?.comparator_mode).toBe("auto");
  });

  it("names unknown, repeated or self-referencing comparators and changes nothing", async () => {
    const { drawable } = await pickComparators("AB4125");
    const known = drawable[0] as string;
    const unknown = await refusalOf(
      runWriteTool(db.sql, setChartComparators, { eid: "AB4125", comparator_eids: [known, "AB999999"] }),
    );
    expect(unknown.code).toBe("INVALID_ARGUMENT");
    expect(unknown.details).toEqual({ unknown_comparator_eids: ["AB999999"] });
    const self = await refusalOf(
      runWriteTool(db.sql, setChartComparators, { eid: "AB4125", comparator_eids: ["AB4125"] }),
    );
    expect(self.code).toBe("INVALID_ARGUMENT");
    const twice = await refusalOf(
      runWriteTool(db.sql, setChartComparators, {
        eid: "AB4125",
        comparator_eids: [known, known.toLowerCase()],
      }),
    );
    expect(twice.message).toContain(known);
    const left = await db.sql`select 1 from arthur_chart_comparator_locks where eid = 'AB4125'`;
    expect(left.length).toBe(0);
    expect(() => setChartComparators.input.parse({ eid: "AB4125", comparator_eids: { a: known } })).toThrow();
  });
});

describe("generate_chart", () => {
  it("returns a chart by reference whose PNG a person would accept, with figures from the seeded orders", async () => {
    const result = await runReadTool<ChartResult>(db.sql, generateChart, { eid: "AB4125" }, producer);
    const sold = await soldTickets("AB4125");
    expect(sold.tickets).toBeGreaterThan(0);
    expect(result.ticket_count).toBe(sold.tickets);
    expect(Number(result.revenue)).toBeCloseTo(Number(sold.gross), 2);
    const [event] = await db.sql<{ days: number }[]>`
      select floor(extract(epoch from event_start_datetime - now()) / 86400)::int as days from events where eid = 'AB4125'`;
    expect(result.days_until_event).toBe(event?.days);
    expect(result.pace_per_day).toBeGreaterThan(0);
    expect(result.comparators.length).toBeGreaterThan(0);
    // Never bytes inside the JSON result.
    expect(JSON.stringify(result).length).toBeLessThan(4000);
    const chart = result.chart as ImageRef;
    expect(chart.media_type).toBe("image/png");

    const [stored] = await db.sql<{ data: Buffer; created_by: string; eid: string }[]>`
      select data, created_by, eid from arthur_images where id = ${chart.id}`;
    expect(stored?.created_by).toBe("U-producer");
    expect(stored?.eid).toBe("AB4125");
    const png = decode(stored?.data as Buffer);
    expect([png.width, png.height]).toEqual([chart.width, chart.height]);
    expect(png.width).toBeGreaterThan(700);
    expect(png.nonWhiteShare).toBeGreaterThan(0.02);
    expect(png.nonWhiteShare).toBeLessThan(0.6);
    const log = await db.sql<{ source: string; ticket_count: number }[]>`
      select source, ticket_count from esbmcp_chart_posts_log where eid = 'AB4125' and chart_url like ${`%${chart.id}%`}`;
    expect(log).toEqual([{ source: "chat", ticket_count: sold.tickets }]);
  });

  it("draws the comparators asked for, says which could not be drawn, or none at all", async () => {
    const picked = await pickComparators("AB4125");
    const candidates = [picked.drawable[0] as string, ...(picked.undrawable ? [picked.undrawable] : [])];
    expect(candidates.length).toBe(2);
    const drawable = await withOrders(candidates);
    const result = await runReadTool<ChartResult>(db.sql, generateChart, {
      eid: "AB4125",
      comparator_eids: candidates,
    });
    expect(result.comparators).toEqual(candidates.filter((e) => drawable.has(e)));
    expect(result.comparators_skipped.map((s) => s.eid)).toEqual(candidates.filter((e) => !drawable.has(e)));
    const alone = await runReadTool<ChartResult>(db.sql, generateChart, {
      eid: "AB4125",
      include_comparators: false,
    });
    expect(alone.comparators).toEqual([]);
  });

  it("reuses the stored image when the same chart is asked for again, and draws a new one when it differs", async () => {
    const first = await runReadTool<ChartResult & { render_ms: number | null }>(db.sql, generateChart, {
      eid: "AB4130",
      include_comparators: false,
    });
    const again = await runReadTool<ChartResult & { render_ms: number | null }>(db.sql, generateChart, {
      eid: "AB4130",
      include_comparators: false,
    });
    expect(first.render_ms).toBeGreaterThan(0);
    expect(again.chart?.id).toBe(first.chart?.id);
    expect(again.render_ms).toBeNull();
    expect(again.ticket_count).toBe(first.ticket_count);
    const withComparators = await runReadTool<ChartResult>(db.sql, generateChart, { eid: "AB4130" });
    expect(withComparators.comparators.length).toBeGreaterThan(0);
    expect(withComparators.chart?.id).not.toBe(first.chart?.id);
    const [images] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from arthur_images where id in ${db.sql([first.chart?.id ?? "", withComparators.chart?.id ?? ""])}`;
    expect(images?.n).toBe(2);
    // Both calls are logged, the reused one too.
    const logged =
      await db.sql`select 1 from esbmcp_chart_posts_log where chart_url like ${`%${first.chart?.id}%`}`;
    expect(logged.length).toBe(2);
  });

  it("says there is nothing to draw for an event without cached orders, and NOT_FOUND for an unknown one", async () => {
    expect((await soldTickets("AB4124")).tickets).toBe(0);
    const empty = await runReadTool<ChartResult>(db.sql, generateChart, { eid: "AB4124" });
    expect(empty.chart).toBeNull();
    expect(empty.note).toContain("refresh_eventbrite_data");
    expect((await refusalOf(runReadTool(db.sql, generateChart, { eid: "AB999999" }))).code).toBe("NOT_FOUND");
  });

  it("through MCP: the image arrives as MCP image content and the link is served by the gateway", async () => {
    const client = await connectMcp(gateway.url, await gateway.token("marketing"));
    const answer = (await client.callTool({
      name: "generate_chart",
      arguments: { eid: "AB4130" },
    })) as CallToolResult;
    expect(answer.isError).toBeFalsy();
    const image = answer.content.find((c) => c.type === "image") as { data: string; mimeType: string };
    expect(image.mimeType).toBe("image/png");
    const bytes = Buffer.from(image.data, "base64");
    const chart = (answer.structuredContent as { chart: ImageRef }).chart;
    expect(decode(bytes).width).toBe(chart.width);
    expect(chart.url.startsWith(`${gateway.url}/images/${chart.id}.png?`)).toBe(true);

    const fetched = await fetch(chart.url);
    expect(fetched.status).toBe(200);
    expect(fetched.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await fetched.arrayBuffer()).equals(bytes)).toBe(true);

    const bare = `${gateway.url}/images/${chart.id}.png`;
    expect((await fetch(bare)).status).toBe(401);
    const tampered = new URL(chart.url);
    const signature = tampered.searchParams.get("signature") ?? "";
    tampered.searchParams.set("signature", `${signature.slice(0, -1)}${signature.endsWith("0") ? "1" : "0"}`);
    expect((await fetch(tampered)).status).toBe(401);
    const withToken = await fetch(bare, {
      headers: { Authorization: `Bearer ${await gateway.token("viewer")}` },
    });
    expect(withToken.status).toBe(200);
    const expired = await gateway.service.images.link(chart.id, -60);
    expect((await fetch(expired)).status).toBe(410);
    await client.close();
  });
});
