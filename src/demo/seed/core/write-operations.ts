import type { SeedContext } from "../world.ts";
import type { EventRec } from "./events.ts";
import type { PersonRec } from "./people.ts";
import type { Sim } from "./state.ts";
import { at, HOUR, MINUTE, milestone } from "./time.ts";

const USER_AGENTS = [
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36",
  "Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0 Mobile Safari/537.36",
];

function* scanRows(sim: Sim) {
  const rng = sim.ctx.rng("core:write:scans");
  for (const s of sim.scans) {
    const when = new Date(s.at);
    yield [
      rng.uuid(),
      (sim.people.people[s.person] as PersonRec).id,
      s.event.id,
      s.code,
      when,
      `203.0.113.${rng.int(1, 254)}`,
      rng.pick(USER_AGENTS),
      s.valid,
      when,
    ];
  }
}

/** Shows that had live-app traffic: everything since the QR launch that has started. */
function liveShows(sim: Sim): EventRec[] {
  return sim.events.filter((e) => e.qrEra && e.phase !== "upcoming");
}

/** 3–6 cache-version paths per show with live activity, plus two global paths (event_eid NULL). */
function* cacheRows(sim: Sim) {
  const rng = sim.ctx.rng("core:write:cache");
  const anchor = sim.ctx.anchor;
  const bidArt = new Map<string, { code: string; at: number }[]>();
  for (const a of sim.art) {
    if (!a.topBid) continue;
    const list = bidArt.get(a.eventId) ?? [];
    list.push({ code: a.artCode, at: a.topBid.at });
    bidArt.set(a.eventId, list);
  }
  for (const e of liveShows(sim)) {
    const created = at(e.startsAt, -rng.int(1, 48) * HOUR);
    const touched = () =>
      e.phase === "live" ? at(anchor, -rng.int(1, 10) * MINUTE) : at(e.endsAt, -rng.int(0, 40) * MINUTE);
    yield [`/live/event/${e.eid}`, touched(), e.eid, created];
    yield [`/live/event/${e.eid}/media`, touched(), e.eid, created];
    yield [`/live/event/${e.eid}/artists`, touched(), e.eid, created];
    const withBids = rng.sample(bidArt.get(e.id) ?? [], rng.int(0, 3));
    for (const b of withBids) yield [`/live/event/${b.code}/bids`, new Date(b.at), e.eid, created];
  }
  const launched = milestone(anchor, "qrScans");
  yield ["/live/events", at(anchor, -3 * MINUTE), null, launched];
  yield ["/live/events/upcoming", at(anchor, -17 * MINUTE), null, launched];
}

/** Manual vote-weight refreshes producers ran on show days (the log rows manual_refresh writes). */
function* refreshLogRows(sim: Sim) {
  const rng = sim.ctx.rng("core:write:system-logs");
  const phoneCreated = sim.people.people
    .filter((p) => p.phone)
    .map((p) => p.createdAt.getTime())
    .sort((a, b) => a - b);
  const rowsAt = (t: number) => {
    let lo = 0;
    let hi = phoneCreated.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((phoneCreated[mid] ?? 0) <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  for (const e of liveShows(sim)) {
    const started = at(e.startsAt, -rng.int(60, 240) * MINUTE);
    const duration = rng.int(600, 2_500);
    const finished = at(started, duration);
    const rows = rowsAt(started.getTime());
    yield [
      rng.uuid(),
      "vote_weights",
      "refresh_materialized_view",
      "info",
      `Refreshed person_vote_weights: ${rows} rows`,
      { start_time: started.toISOString(), end_time: finished.toISOString(), rows_refreshed: rows },
      duration,
      finished,
      finished,
    ];
  }
}

/** qr_codes, people_qr_scans, endpoint_cache_versions and system_logs. */
export async function writeOperations(ctx: SeedContext, sim: Sim): Promise<void> {
  const rng = ctx.rng("core:write:qr-codes");
  await ctx.copy(
    "qr_codes",
    ["id", "code", "event_id", "generated_at", "expires_at", "is_active", "created_at"],
    sim.qrCodes.map((q) => [
      rng.uuid(),
      q.code,
      q.event.id,
      q.generatedAt,
      q.expiresAt,
      q.active,
      q.generatedAt,
    ]),
  );
  await ctx.copy(
    "people_qr_scans",
    [
      "id",
      "person_id",
      "event_id",
      "qr_code",
      "scan_timestamp",
      "ip_address",
      "user_agent",
      "is_valid",
      "created_at",
    ],
    scanRows(sim),
  );
  await ctx.copy(
    "endpoint_cache_versions",
    ["endpoint_path", "last_updated", "event_eid", "created_at"],
    cacheRows(sim),
  );
  await ctx.copy(
    "system_logs",
    [
      "id",
      "service",
      "operation",
      "level",
      "message",
      "request_data",
      "duration_ms",
      "timestamp",
      "created_at",
    ],
    refreshLogRows(sim),
  );
}
