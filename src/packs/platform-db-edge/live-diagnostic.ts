import type { Fragment } from "postgres";
import { z } from "zod";
import { defineTool, eid } from "../../catalog/index.ts";
import type { Sql } from "../../db/index.ts";
import {
  capped,
  eventByEid,
  iso,
  localTime,
  type Phase,
  ROLES_OPS_EP_VIEWER,
  truncationNote,
  whenLocal,
} from "../data-read/shared.ts";
import { VOTE_WEIGHT_RULE, weightedVotes } from "../data-read/votes.ts";

const input = z.strictObject({ eid: eid() });

/** A live show whose newest cache version is older than this is flagged as not updating. */
export const STALE_CACHE_MINUTES = 30;
/** "Closing soon" for open auctions. */
export const CLOSING_SOON_MINUTES = 30;

export interface RoundDiagnostic {
  round: number;
  is_finished: boolean | null;
  closing_time: string | null;
  contestants: number;
  /** Contestant rows whose art_id is filled (the platform no longer writes it; usually 0 for recent shows). */
  contestants_linked_to_art: number;
  artworks: number;
  artworks_open: number;
  bids: number;
  bidders: number;
  votes: number;
  voters: number;
  weighted_votes: string;
}

export interface DiagnosticIssue {
  code:
    | "no_rounds"
    | "no_artworks"
    | "not_visible"
    | "no_live_cache"
    | "stale_live_cache"
    | "auctions_past_closing"
    | "rounds_not_finished"
    | "votes_without_artwork";
  severity: "critical" | "warning";
  message: string;
}

export interface LiveEventDiagnosticResult {
  eid: string;
  name: string;
  phase: Phase;
  city: string | null;
  venue: string | null;
  starts_at: string | null;
  local_start: string | null;
  timezone: string | null;
  enabled: boolean;
  show_in_app: boolean;
  /** While the show is live: the lowest round not yet finished. Null otherwise. */
  current_round: number | null;
  /** Whole-event figures; distinct counts (artists, bidders, voters) are over the event, not summed rounds. */
  totals: {
    rounds: number;
    contestants: number;
    artists: number;
    artworks: number;
    artworks_sold: number;
    artworks_with_bids: number;
    bids: number;
    bidders: number;
    votes: number;
    voters: number;
    weighted_votes: string;
    /** Votes that match no artwork (neither art_uuid nor round/easel). */
    votes_without_artwork: number;
  };
  rounds: RoundDiagnostic[];
  auction: {
    open: number;
    closing_soon: number;
    /** Still 'active' although their closing time has passed. */
    past_closing_still_open: number;
    next_closing_at: string | null;
    last_bid_at: string | null;
  };
  live_cache: {
    main_path: string;
    main_last_updated: string | null;
    newest_update: string | null;
    minutes_since_update: number | null;
    total_entries: number;
    /** Newest first. */
    entries: { endpoint_path: string; last_updated: string }[];
  };
  issues: DiagnosticIssue[];
  vote_rule: string;
  /** The database time every figure was read at (one statement, one snapshot). */
  as_of: string;
  truncated: boolean;
}

interface SnapshotRow {
  as_of: Date;
  enabled: boolean | null;
  show_in_app: boolean | null;
  venue: string | null;
  totals: LiveEventDiagnosticResult["totals"];
  rounds: RoundDiagnostic[] | null;
  auction: LiveEventDiagnosticResult["auction"];
  cache_total: number;
  cache_newest: string | null;
  cache_main: string | null;
  cache_entries: { endpoint_path: string; last_updated: string }[] | null;
}

/** A timestamptz as "2026-11-24T18:00:00.000Z" inside JSON (matching Date.toISOString()). */
const isoSql = (sql: Sql, value: Fragment) =>
  sql`to_char(${value} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * Every figure in one statement, so counts agree with each other. Each aggregate reads its own table
 * grouped by round and the groups are joined one-to-one: no artwork × bid × vote fan-out.
 */
function snapshot(sql: Sql, event: { id: string; eid: string }, rowCap: number) {
  const mainPath = `/live/event/${event.eid}`;
  return sql<SnapshotRow[]>`
    with
    r as (select id, round_number, is_finished, closing_time from rounds where event_id = ${event.id}),
    rc as (select r.round_number, rc.artist_id, rc.art_id from round_contestants rc join r on r.id = rc.round_id),
    a as (select id, round, status, closing_time from art where event_id = ${event.id}),
    b as (select b.art_id, b.person_id, b.created_at, a.round from bids b join a on a.id = b.art_id),
    wv as (${weightedVotes(sql, event.id, undefined)}),
    rc_by as (select round_number as round, count(*)::int as contestants, count(art_id)::int as linked
              from rc group by 1),
    a_by as (select round, count(*)::int as artworks, count(*) filter (where status = 'active')::int as open
             from a group by 1),
    b_by as (select round, count(*)::int as bids, count(distinct person_id)::int as bidders from b group by 1),
    v_by as (select round, count(*)::int as votes, count(distinct person_id)::int as voters,
                    round(sum(weight), 2) as weighted from wv group by 1),
    round_numbers as (
      select round_number as n from r
      union select round from a where round is not null
      union select round from wv where round is not null),
    cache as (
      select endpoint_path, last_updated from endpoint_cache_versions
      where event_eid = ${event.eid} or endpoint_path = ${mainPath}
         or endpoint_path like ${`${mainPath}/%`} or endpoint_path like ${`${mainPath}-%`})
    select
      now() as as_of,
      (select enabled from events where id = ${event.id}) as enabled,
      (select show_in_app from events where id = ${event.id}) as show_in_app,
      (select coalesce(v.name, nullif(e.venue, '')) from events e left join venues v on v.id = e.venue_id
        where e.id = ${event.id}) as venue,
      json_build_object(
        'rounds', (select count(*)::int from r),
        'contestants', (select count(*)::int from rc),
        'artists', (select count(distinct artist_id)::int from rc),
        'artworks', (select count(*)::int from a),
        'artworks_sold', (select count(*)::int from a where status in ('sold', 'paid')),
        'artworks_with_bids', (select count(distinct art_id)::int from b),
        'bids', (select count(*)::int from b),
        'bidders', (select count(distinct person_id)::int from b),
        'votes', (select count(*)::int from wv),
        'voters', (select count(distinct person_id)::int from wv),
        'weighted_votes', (select round(coalesce(sum(weight), 0), 2)::text from wv),
        'votes_without_artwork', (select count(*)::int from wv where art_id is null)
      ) as totals,
      (select json_agg(json_build_object(
          'round', n.n, 'is_finished', r.is_finished, 'closing_time', ${isoSql(sql, sql`r.closing_time`)},
          'contestants', coalesce(rc_by.contestants, 0), 'contestants_linked_to_art', coalesce(rc_by.linked, 0),
          'artworks', coalesce(a_by.artworks, 0), 'artworks_open', coalesce(a_by.open, 0),
          'bids', coalesce(b_by.bids, 0), 'bidders', coalesce(b_by.bidders, 0),
          'votes', coalesce(v_by.votes, 0), 'voters', coalesce(v_by.voters, 0),
          'weighted_votes', round(coalesce(v_by.weighted, 0), 2)::text) order by n.n)
        from round_numbers n
        left join r on r.round_number = n.n
        left join rc_by on rc_by.round = n.n
        left join a_by on a_by.round = n.n
        left join b_by on b_by.round = n.n
        left join v_by on v_by.round = n.n) as rounds,
      json_build_object(
        'open', (select count(*)::int from a where status = 'active'),
        'closing_soon', (select count(*)::int from a where status = 'active' and closing_time > now()
                           and closing_time <= now() + make_interval(mins => ${CLOSING_SOON_MINUTES})),
        'past_closing_still_open', (select count(*)::int from a where status = 'active' and closing_time <= now()),
        'next_closing_at', (select ${isoSql(sql, sql`min(closing_time)`)} from a
                              where status = 'active' and closing_time > now()),
        'last_bid_at', (select ${isoSql(sql, sql`max(created_at)`)} from b)
      ) as auction,
      (select count(*)::int from cache) as cache_total,
      (select ${isoSql(sql, sql`max(last_updated)`)} from cache) as cache_newest,
      (select ${isoSql(sql, sql`last_updated`)} from cache where endpoint_path = ${mainPath}) as cache_main,
      (select json_agg(json_build_object('endpoint_path', endpoint_path,
                                         'last_updated', ${isoSql(sql, sql`last_updated`)})
                       order by last_updated desc, endpoint_path)
        from (select * from cache order by last_updated desc, endpoint_path limit ${rowCap + 1}) c) as cache_entries`;
}

export const liveEventDiagnostic = defineTool({
  name: "live_event_diagnostic",
  domain: "platform-db-edge",
  title: "Live event diagnostic",
  description:
    "One consistent snapshot of a show for troubleshooting it live: visibility flags, the current round, totals " +
    "(rounds, contestants, artists, artworks, sold, bids and bidders, votes, voters and weighted votes), the same " +
    "per round, auction state (open lots, closing in the next 30 minutes, lots past their closing time but still " +
    "open, next closing, last bid), and the live app's cache versions for the event (endpoint_cache_versions " +
    "rows /live/event/<EID>…, with minutes since the last update). Lists issues such as a stale live cache or " +
    "auctions that did not close. Vote weights come from votes.vote_factor (the legacy vote_weights table is " +
    "empty). Use it for 'is everything OK with AB4120 right now?'. For standings use get_vote_data.",
  input,
  policy: { roles: ROLES_OPS_EP_VIEWER, risk: "low", maxCallsPerRequest: 2 },
  async handler(args, { sql, rowCap }): Promise<LiveEventDiagnosticResult> {
    const event = await eventByEid(sql, args.eid);
    const [row] = await snapshot(sql, event, rowCap);
    if (!row) throw new Error("diagnostic snapshot returned no row");
    const rounds = row.rounds ?? [];
    const entries = capped(row.cache_entries ?? [], rowCap);
    const minutesSince =
      row.cache_newest === null
        ? null
        : Math.max(0, Math.floor((row.as_of.getTime() - Date.parse(row.cache_newest)) / 60_000));
    const result: Omit<LiveEventDiagnosticResult, "issues"> = {
      eid: event.eid,
      name: event.name,
      phase: event.phase,
      city: event.city,
      venue: row.venue,
      starts_at: iso(event.startsAt),
      local_start: localTime(event.startsAt, event.timezone),
      timezone: event.timezone,
      enabled: row.enabled === true,
      show_in_app: row.show_in_app === true,
      current_round:
        event.phase === "live" ? (rounds.find((r) => r.is_finished === false)?.round ?? null) : null,
      totals: row.totals,
      rounds,
      auction: row.auction,
      live_cache: {
        main_path: `/live/event/${event.eid}`,
        main_last_updated: row.cache_main,
        newest_update: row.cache_newest,
        minutes_since_update: minutesSince,
        total_entries: row.cache_total,
        entries: entries.rows,
      },
      vote_rule: VOTE_WEIGHT_RULE,
      as_of: row.as_of.toISOString(),
      truncated: entries.truncated,
    };
    return { ...result, issues: diagnosticIssues(result) };
  },
  format(r) {
    const t = r.totals;
    const lines = [
      `${r.eid} ${r.name} (${r.phase}) — ${whenLocal(r.local_start, r.timezone, r.starts_at)}` +
        `${r.current_round ? `, round ${r.current_round} in progress` : ""}`,
      `${t.rounds} rounds, ${t.contestants} contestants, ${t.artworks} artworks (${t.artworks_sold} sold); ` +
        `${t.bids} bids from ${t.bidders} bidders on ${t.artworks_with_bids} artworks; ` +
        `${t.votes} votes from ${t.voters} voters (weighted ${t.weighted_votes})`,
      ...r.rounds.map(
        (x) =>
          `- R${x.round}${x.is_finished ? " finished" : x.is_finished === false ? " open" : ""}: ` +
          `${x.artworks} artworks (${x.artworks_open} open), ${x.bids} bids, ${x.votes} votes (${x.weighted_votes})`,
      ),
      `Auction: ${r.auction.open} open, ${r.auction.closing_soon} closing within ${CLOSING_SOON_MINUTES} min` +
        `${r.auction.next_closing_at ? `, next at ${r.auction.next_closing_at}` : ""}`,
      `Live cache: ${r.live_cache.total_entries} entries` +
        (r.live_cache.minutes_since_update === null
          ? ""
          : `, last update ${r.live_cache.minutes_since_update} min ago`),
      ...r.issues.map((i) => `! [${i.severity}] ${i.message}`),
      ...truncationNote(r.truncated, r.live_cache.entries.length),
    ];
    return lines.join("\n");
  },
});

/** What looks wrong with the show, critical first. */
export function diagnosticIssues(r: Omit<LiveEventDiagnosticResult, "issues">): DiagnosticIssue[] {
  const issues: DiagnosticIssue[] = [];
  const started = r.phase === "live" || r.phase === "past";
  if (started && r.totals.rounds === 0) {
    issues.push({
      code: "no_rounds",
      severity: "critical",
      message: `${r.eid} has started but has no rounds.`,
    });
  }
  if (started && r.totals.contestants > 0 && r.totals.artworks === 0) {
    issues.push({
      code: "no_artworks",
      severity: "critical",
      message: `${r.eid} has ${r.totals.contestants} contestants but no artworks: nothing can be voted or bid on.`,
    });
  }
  if (r.phase !== "past" && !(r.enabled && r.show_in_app)) {
    issues.push({
      code: "not_visible",
      severity: r.phase === "live" ? "critical" : "warning",
      message: `${r.eid} is not visible in the app (enabled ${r.enabled}, show_in_app ${r.show_in_app}); see debug_event_visibility.`,
    });
  }
  if (r.phase === "live" && r.live_cache.total_entries === 0) {
    issues.push({
      code: "no_live_cache",
      severity: "warning",
      message: `${r.eid} is live but the app's cache has no version entry for it, so clients may not refresh.`,
    });
  } else if (
    r.phase === "live" &&
    r.live_cache.minutes_since_update !== null &&
    r.live_cache.minutes_since_update > STALE_CACHE_MINUTES
  ) {
    issues.push({
      code: "stale_live_cache",
      severity: "warning",
      message: `${r.eid} is live but its cache versions were last bumped ${r.live_cache.minutes_since_update} min ago.`,
    });
  }
  if (r.auction.past_closing_still_open > 0) {
    issues.push({
      code: "auctions_past_closing",
      severity: "warning",
      message: `${r.auction.past_closing_still_open} artwork(s) are past their closing time but still open for bids.`,
    });
  }
  const unfinished = r.rounds.filter((x) => x.is_finished === false).map((x) => x.round);
  if (r.phase === "past" && unfinished.length > 0) {
    issues.push({
      code: "rounds_not_finished",
      severity: "warning",
      message: `${r.eid} is over but round(s) ${unfinished.join(", ")} were never marked finished.`,
    });
  }
  if (r.totals.votes_without_artwork > 0) {
    issues.push({
      code: "votes_without_artwork",
      severity: "warning",
      message: `${r.totals.votes_without_artwork} vote(s) match no artwork (no art_uuid and no artwork at their round and easel).`,
    });
  }
  return issues.sort((x, y) => (x.severity === y.severity ? 0 : x.severity === "critical" ? -1 : 1));
}
