import { ToolError } from "../catalog/index.ts";
import type { Sql } from "../db/index.ts";
import { tsToIso } from "./render.ts";

/** Candidates taken from each search (all words, any word, trigram) before they are ranked together. */
const CANDIDATES = 200;
/**
 * Full-text matches ranked per search at most: the newest ones. Ranking reads every match, so a
 * word found in 50,000 messages would otherwise cost a scan of all of them.
 */
const RECENT_MATCHES = 2000;
/** Messages of the hit's thread shown with it (the parent first, then replies around the hit). */
const THREAD_PREVIEW = 8;
/**
 * Trigram matching (typos, partial ids, phrases the full-text parser splits differently) reads at
 * most the first words of the query, up to this many characters: looking up every trigram of a long
 * question cost ~200 ms at 180k messages (`npm run bench -- knowledge`) and could not match anyway.
 */
const TRIGRAM_MAX_CHARS = 40;

export interface SearchRequest {
  query: string;
  limit: number;
  /** A channel name (any case, with or without "#") or id. */
  channel?: string | undefined;
  /** A user's id, user name, display name or real name (any case, with or without "@"). */
  user?: string | undefined;
  /** Inclusive UTC dates, YYYY-MM-DD. */
  startDate?: string | undefined;
  endDate?: string | undefined;
  includeThreadContext: boolean;
}

export interface NearbyMessage {
  ts: string;
  date: string;
  user_name: string;
  text: string;
}

export interface SearchHit {
  /** 0–1: all query words present (0.45), full-text rank (0.30), trigram word similarity (0.25). */
  score: number;
  channel: string;
  channel_id: string;
  /** UTC date of the message. */
  date: string;
  ts: string;
  thread_ts: string | null;
  user_name: string;
  text: string;
  /** A link into Slack, when the import was given the workspace URL. */
  permalink: string | null;
  /** The channel messages just before and after (for a thread reply: around its thread). */
  context: (NearbyMessage & { position: "before" | "after" })[];
  /** Up to 8 other messages of the hit's thread, parent first. */
  thread_preview: (NearbyMessage & { is_parent: boolean })[];
}

export interface SearchOutcome {
  /** Nothing has been imported yet. */
  archiveEmpty: boolean;
  hits: SearchHit[];
}

interface QueryTerms {
  /** The query as typed: websearch syntax, every word required. */
  strict: string;
  /** Any of the query's words or quoted phrases. */
  loose: string;
  /** Words and phrases the query excludes with a leading "-". */
  negative: string;
  /** Plain text for trigram matching. */
  trigram: string;
}

/** The query's first words, whole, within TRIGRAM_MAX_CHARS (a single longer word is cut). */
function trigramText(positive: readonly string[]): string {
  const words = positive.join(" ").replaceAll('"', "").split(/\s+/).filter(Boolean);
  let text = "";
  for (const word of words) {
    const next = text ? `${text} ${word}` : word;
    if (next.length > TRIGRAM_MAX_CHARS) break;
    text = next;
  }
  return text || (words[0] ?? "").slice(0, TRIGRAM_MAX_CHARS);
}

/** Split a websearch-style query ("projector -cable", `"round two"`) into what each search needs. */
export function queryTerms(query: string): QueryTerms {
  const positive: string[] = [];
  const negative: string[] = [];
  for (const match of query.matchAll(/(-?)"([^"]*)"?|(-?)([^\s"]+)/g)) {
    const excluded = (match[1] || match[3]) === "-";
    const unit = match[2] !== undefined ? (match[2].trim() ? `"${match[2].trim()}"` : "") : (match[4] ?? "");
    if (!unit || unit === "-" || unit.toLowerCase() === "or") continue;
    (excluded ? negative : positive).push(unit);
  }
  return {
    strict: query,
    loose: positive.join(" or "),
    negative: negative.join(" or "),
    trigram: trigramText(positive),
  };
}

/** The channel ids a channel filter names, or NOT_FOUND listing the channels there are. */
async function channelIds(sql: Sql, channel: string): Promise<string[]> {
  const wanted = channel.trim().replace(/^#/, "");
  const rows = await sql<{ id: string }[]>`
    select id from arthur_knowledge_channels where id = ${wanted} or lower(name) = lower(${wanted})`;
  if (rows.length > 0) return rows.map((r) => r.id);
  const names = await sql<
    { name: string }[]
  >`select name from arthur_knowledge_channels order by name limit 30`;
  throw new ToolError(
    "NOT_FOUND",
    `No channel "${channel}" in the Slack archive; channels: ${names.map((n) => `#${n.name}`).join(", ")}`,
  );
}

/** The user ids a user filter names, or NOT_FOUND with the closest names. */
async function userIds(sql: Sql, user: string): Promise<string[]> {
  const wanted = user.trim().replace(/^@/, "");
  const rows = await sql<{ id: string }[]>`
    select id from arthur_knowledge_users
    where id = ${wanted} or lower(name) = lower(${wanted}) or lower(display_name) = lower(${wanted})
       or lower(real_name) = lower(${wanted})`;
  if (rows.length > 0) return rows.map((r) => r.id);
  const close = await sql<{ label: string }[]>`
    select coalesce(nullif(real_name, ''), nullif(display_name, ''), name, id) as label
    from arthur_knowledge_users
    order by greatest(similarity(lower(coalesce(name, '')), lower(${wanted})),
                      similarity(lower(coalesce(display_name, '')), lower(${wanted})),
                      similarity(lower(coalesce(real_name, '')), lower(${wanted}))) desc
    limit 5`;
  throw new ToolError(
    "NOT_FOUND",
    `No user "${user}" in the Slack archive (matched by id, user name, display name or real name); ` +
      `closest: ${close.map((c) => c.label).join(", ")}`,
  );
}

const dayAfter = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString();

interface HitRow {
  channel_id: string;
  channel: string;
  workspace_url: string | null;
  ts: string;
  ts_at: Date;
  thread_ts: string | null;
  is_reply: boolean;
  user_name: string;
  text: string;
  score: number;
}

/** Who wrote message `alias` (joined to users `u`): display name, real name, user name, then what the export said. */
const author = (sql: Sql, alias: string) =>
  sql`coalesce(nullif(u.display_name, ''), nullif(u.real_name, ''), nullif(u.name, ''), ${sql(alias)}.user_name,
               ${sql(alias)}.user_id, 'unknown')`;

async function rankedHits(sql: Sql, request: SearchRequest): Promise<HitRow[]> {
  const terms = queryTerms(request.query);
  const channels = request.channel ? await channelIds(sql, request.channel) : null;
  const users = request.user ? await userIds(sql, request.user) : null;
  const filters = sql`
    ${channels ? sql`and m.channel_id = any(${channels}::text[])` : sql``}
    ${users ? sql`and m.user_id = any(${users}::text[])` : sql``}
    ${request.startDate ? sql`and m.ts_at >= ${`${request.startDate}T00:00:00Z`}::timestamptz` : sql``}
    ${request.endDate ? sql`and m.ts_at < ${dayAfter(request.endDate)}::timestamptz` : sql``}`;
  const loose = sql`websearch_to_tsquery('english', ${terms.loose})`;
  const strict = sql`websearch_to_tsquery('english', ${terms.strict})`;
  // Full-text candidates of one tsquery: of its newest RECENT_MATCHES matches, the CANDIDATES best.
  const ftsCandidates = (query: typeof strict, gate: typeof strict) => sql`
    select r.channel_id, r.ts from (
      select m.channel_id, m.ts, m.search from arthur_knowledge_messages m
      where ${gate} and m.search @@ ${query} ${filters}
      order by m.ts_at desc
      limit ${RECENT_MATCHES}
    ) r
    order by ts_rank_cd(r.search, ${query}, 32) desc
    limit ${CANDIDATES}`;
  // One statement: the best candidates of each GIN index, merged, scored together, joined for names.
  // Messages with only some of the words, or words spelt alike (trigrams: typos, partial ids), are
  // looked for only when too few messages have all of them.
  const fewWithAllWords = sql`(select count(*) from strict_hits) < ${request.limit}`;
  return sql<HitRow[]>`
    with strict_hits as (${ftsCandidates(strict, sql`true`)}
    ), loose_hits as (${ftsCandidates(loose, terms.loose ? fewWithAllWords : sql`false`)}
    ), tri as (
      select m.channel_id, m.ts from arthur_knowledge_messages m
      where ${terms.trigram ? sql`${fewWithAllWords} and ${terms.trigram} <% m.text` : sql`false`} ${filters}
      order by word_similarity(${terms.trigram}, m.text) desc
      limit ${CANDIDATES}
    ), scored as (
      select m.*,
             0.45 * (m.search @@ ${strict})::int
             + 0.30 * ts_rank_cd(m.search, ${loose}, 32)
             + 0.25 * word_similarity(${terms.trigram}, m.text) as score
      from (select channel_id, ts from strict_hits
            union select channel_id, ts from loose_hits
            union select channel_id, ts from tri) c
      join arthur_knowledge_messages m using (channel_id, ts)
      ${terms.negative ? sql`where not (m.search @@ websearch_to_tsquery('english', ${terms.negative}))` : sql``}
    )
    select m.channel_id, ch.name as channel, ch.workspace_url, m.ts, m.ts_at, m.thread_ts, m.is_reply, m.text,
           ${author(sql, "m")} as user_name, round(m.score::numeric, 3)::float8 as score
    from scored m
    join arthur_knowledge_channels ch on ch.id = m.channel_id
    left join arthur_knowledge_users u on u.id = m.user_id
    order by m.score desc, m.ts_at desc
    limit ${request.limit}`;
}

interface NearbyRow {
  i: string;
  kind: "before" | "after" | "parent" | "reply_before" | "reply_after";
  ts: string;
  ts_at: Date;
  user_name: string;
  text: string;
}

/** The neighbours and thread of every hit, in one statement of small indexed look-ups per hit. */
async function nearby(sql: Sql, hits: HitRow[]): Promise<Map<number, NearbyRow[]>> {
  const rows = await sql<NearbyRow[]>`
    select h.i, x.kind, x.ts, x.ts_at, x.text, ${author(sql, "x")} as user_name
    from unnest(${hits.map((h) => h.channel_id)}::text[], ${hits.map((h) => h.ts)}::text[],
                ${hits.map((h) => h.thread_ts)}::text[],
                ${hits.map((h) => tsToIso(h.is_reply && h.thread_ts ? h.thread_ts : h.ts))}::timestamptz[],
                ${hits.map((h) => h.ts_at.toISOString())}::timestamptz[])
         with ordinality as h(channel_id, ts, thread_ts, anchor_at, hit_at, i)
    cross join lateral (
      (select 'before' as kind, m.ts, m.ts_at, m.text, m.user_id, m.user_name from arthur_knowledge_messages m
       where m.channel_id = h.channel_id and not m.is_reply and m.ts_at < h.anchor_at
       order by m.ts_at desc limit 1)
      union all
      (select 'after', m.ts, m.ts_at, m.text, m.user_id, m.user_name from arthur_knowledge_messages m
       where m.channel_id = h.channel_id and not m.is_reply and m.ts_at > h.anchor_at
       order by m.ts_at limit 1)
      union all
      (select 'parent', m.ts, m.ts_at, m.text, m.user_id, m.user_name from arthur_knowledge_messages m
       where m.channel_id = h.channel_id and m.ts = h.thread_ts and m.ts <> h.ts)
      union all
      (select 'reply_before', m.ts, m.ts_at, m.text, m.user_id, m.user_name from arthur_knowledge_messages m
       where m.channel_id = h.channel_id and m.thread_ts = h.thread_ts and m.ts <> m.thread_ts
         and m.ts_at < h.hit_at
       order by m.ts_at desc limit 3)
      union all
      (select 'reply_after', m.ts, m.ts_at, m.text, m.user_id, m.user_name from arthur_knowledge_messages m
       where m.channel_id = h.channel_id and m.thread_ts = h.thread_ts and m.ts <> m.thread_ts
         and m.ts_at > h.hit_at
       order by m.ts_at limit ${THREAD_PREVIEW})
    ) x
    left join arthur_knowledge_users u on u.id = x.user_id`;
  const byHit = new Map<number, NearbyRow[]>();
  for (const row of rows) {
    const index = Number(row.i) - 1;
    byHit.set(index, [...(byHit.get(index) ?? []), row]);
  }
  return byHit;
}

const brief = (r: NearbyRow): NearbyMessage => ({
  ts: r.ts,
  date: r.ts_at.toISOString().slice(0, 10),
  user_name: r.user_name,
  text: r.text,
});

function permalink(hit: HitRow): string | null {
  if (!hit.workspace_url) return null;
  const link = `${hit.workspace_url}/archives/${hit.channel_id}/p${hit.ts.replace(".", "")}`;
  return hit.thread_ts && hit.thread_ts !== hit.ts
    ? `${link}?thread_ts=${hit.thread_ts}&cid=${hit.channel_id}`
    : link;
}

/**
 * Search the Slack archive: full-text (any of the words, with a bonus when all are present) and
 * trigram word similarity, ranked together; optionally with each hit's neighbours and thread.
 * @throws ToolError NOT_FOUND when the channel or user filter names nobody in the archive.
 */
export async function searchKnowledge(sql: Sql, request: SearchRequest): Promise<SearchOutcome> {
  const [state] = await sql<
    { any: boolean }[]
  >`select exists (select 1 from arthur_knowledge_messages) as any`;
  if (!state?.any) return { archiveEmpty: true, hits: [] };
  const rows = await rankedHits(sql, request);
  const around = request.includeThreadContext && rows.length > 0 ? await nearby(sql, rows) : new Map();
  const hits = rows.map((row, index): SearchHit => {
    const near: NearbyRow[] = around.get(index) ?? [];
    const of = (kind: NearbyRow["kind"]) => near.filter((r) => r.kind === kind);
    const before = of("reply_before").reverse();
    const thread = [
      ...of("parent").map((r) => ({ ...brief(r), is_parent: true })),
      ...[...before, ...of("reply_after")].map((r) => ({ ...brief(r), is_parent: false })),
    ].slice(0, THREAD_PREVIEW);
    return {
      score: row.score,
      channel: row.channel,
      channel_id: row.channel_id,
      date: row.ts_at.toISOString().slice(0, 10),
      ts: row.ts,
      thread_ts: row.thread_ts,
      user_name: row.user_name,
      text: row.text,
      permalink: permalink(row),
      context: [
        ...of("before").map((r) => ({ ...brief(r), position: "before" as const })),
        ...of("after").map((r) => ({ ...brief(r), position: "after" as const })),
      ],
      thread_preview: thread,
    };
  });
  return { archiveEmpty: false, hits };
}
