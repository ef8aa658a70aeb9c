import type { Sql } from "../db/index.ts";

/** How search_slack_knowledge ranks today; vector search needs an embedding provider and pgvector. */
export const SEARCH_MODE = "fulltext+trigram";

export interface ChannelStats {
  channel: string;
  channel_id: string;
  messages: number;
  first_date: string | null;
  last_date: string | null;
}

export interface LastImport {
  id: string;
  status: "running" | "completed" | "failed";
  /** The folder or zip file name that was imported. */
  source: string;
  source_kind: "folder" | "zip";
  started_at: string;
  finished_at: string | null;
  files: number;
  channels: number;
  users: number;
  inserted: number;
  updated: number;
  unchanged: number;
  skipped: number;
  error: string | null;
}

export interface KnowledgeStats {
  messages: number;
  channels: number;
  users: number;
  bots: number;
  /** Threads: messages with replies in the archive (their parent is counted once). */
  threads: number;
  first_message_at: string | null;
  last_message_at: string | null;
  /** Busiest first, at most `channelLimit`. */
  per_channel: ChannelStats[];
  per_channel_truncated: boolean;
  last_import: LastImport | null;
  search_mode: typeof SEARCH_MODE;
  vector_search: false;
  pgvector_available: boolean;
  vector_search_reason: string;
}

const day = (value: Date | null) => (value ? value.toISOString().slice(0, 10) : null);

interface ImportTimes {
  started: Date;
  finished: Date | null;
}

function withIsoTimes({
  started,
  finished,
  ...rest
}: Omit<LastImport, "started_at" | "finished_at"> & ImportTimes): LastImport {
  return { ...rest, started_at: started.toISOString(), finished_at: finished?.toISOString() ?? null };
}

/** What the archive holds, its last import, and how it is searched. */
export async function knowledgeStats(sql: Sql, channelLimit: number): Promise<KnowledgeStats> {
  const [totals] = await sql<
    {
      messages: number;
      channels: number;
      users: number;
      bots: number;
      threads: number;
      first_at: Date | null;
      last_at: Date | null;
      pgvector_available: boolean;
      pgvector_installed: boolean;
    }[]
  >`
    select (select count(*)::int from arthur_knowledge_messages) as messages,
           (select count(*)::int from arthur_knowledge_channels) as channels,
           (select count(*)::int from arthur_knowledge_users) as users,
           (select count(*)::int from arthur_knowledge_users where is_bot) as bots,
           (select count(*)::int from arthur_knowledge_messages
            where thread_ts is not null and thread_ts = ts) as threads,
           (select min(ts_at) from arthur_knowledge_messages) as first_at,
           (select max(ts_at) from arthur_knowledge_messages) as last_at,
           exists (select 1 from pg_available_extensions where name = 'vector') as pgvector_available,
           exists (select 1 from pg_extension where extname = 'vector') as pgvector_installed`;
  const channels = await sql<
    (Omit<ChannelStats, "first_date" | "last_date"> & { first: Date | null; last: Date | null })[]
  >`
    select c.name as channel, c.id as channel_id, count(m.ts_at)::int as messages,
           min(m.ts_at) as first, max(m.ts_at) as last
    from arthur_knowledge_channels c
    left join arthur_knowledge_messages m on m.channel_id = c.id
    group by c.id, c.name
    order by messages desc, c.name
    limit ${channelLimit + 1}`;
  const [last] = await sql<(Omit<LastImport, "started_at" | "finished_at"> & ImportTimes)[]>`
    select id, status, source, source_kind, started_at as started, finished_at as finished, files, channels,
           users, inserted, updated, unchanged, skipped, error
    from arthur_knowledge_imports
    order by started_at desc
    limit 1`;
  const available = totals?.pgvector_available ?? false;
  return {
    messages: totals?.messages ?? 0,
    channels: totals?.channels ?? 0,
    users: totals?.users ?? 0,
    bots: totals?.bots ?? 0,
    threads: totals?.threads ?? 0,
    first_message_at: totals?.first_at?.toISOString() ?? null,
    last_message_at: totals?.last_at?.toISOString() ?? null,
    per_channel: channels.slice(0, channelLimit).map(({ first, last: latest, ...c }) => ({
      ...c,
      first_date: day(first),
      last_date: day(latest),
    })),
    per_channel_truncated: channels.length > channelLimit,
    last_import: last ? withIsoTimes(last) : null,
    search_mode: SEARCH_MODE,
    vector_search: false,
    pgvector_available: available,
    vector_search_reason:
      "No embedding provider is configured, so search is full-text plus trigram similarity only; the " +
      (available
        ? `pgvector extension is available on this server${totals?.pgvector_installed ? " and installed" : ""}.`
        : "pgvector extension is not available on this server."),
  };
}
