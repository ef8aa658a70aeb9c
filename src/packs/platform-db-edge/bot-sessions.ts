import { z } from "zod";
import { defineTool } from "../../catalog/index.ts";
import type { Sql } from "../../db/index.ts";
import { capped, iso, truncationNote } from "../data-read/shared.ts";
import { clip, hoursBack, listLimit, ROLES_OPS_VIEWER, token, type Window, windowOf } from "./shared.ts";

export const SESSION_STATUSES = ["completed", "error", "denied", "rate_limited"] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

const input = z.strictObject({
  hours_back: hoursBack(720),
  status: z.enum(SESSION_STATUSES).optional().describe("Only sessions with this outcome"),
  user_id: token("Only sessions of this Slack user id, e.g. U04ABCDEF").optional(),
  limit: listLimit(),
});

/**
 * USD per million tokens, by model. A session is priced with its own model; a dated variant
 * ("gpt-4o-2024-08-06") or a provider prefix ("openai/gpt-4o") is priced as its base model, and any
 * other model has no price (cost null), rather than borrowing another model's.
 */
export const MODEL_PRICES_USD_PER_MILLION: Readonly<Record<string, { input: number; output: number }>> = {
  "gpt-4o-mini": { input: 0.15, output: 0.6 },
  "gpt-4o": { input: 2.5, output: 10 },
  "gpt-4-turbo": { input: 10, output: 30 },
};

/** How many characters of someone's question are shown. */
export const PROMPT_PREVIEW_CHARS = 120;
/** Tool names listed per session at most. */
export const TOOLS_PER_SESSION = 10;

export interface BotSession {
  id: string;
  created_at: string | null;
  slack_user_id: string;
  slack_username: string | null;
  user_role: string | null;
  channel_id: string | null;
  interaction_type: string | null;
  status: string;
  /** The first 120 characters of the question; null when hidden from this caller. */
  prompt_preview: string | null;
  /** Someone else's question, and the caller is not ops: the preview is withheld. */
  prompt_hidden: boolean;
  tools: string[];
  tool_call_count: number;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  duration_ms: number | null;
  ai_model: string | null;
  /** USD at this session's own model's price; null for a model without a price. */
  estimated_cost_usd: string | null;
  error_message: string | null;
}

export interface SessionStatusStats {
  status: string;
  sessions: number;
  users: number;
  avg_duration_ms: number | null;
  total_tokens: number;
  estimated_cost_usd: string;
}

export interface BotSessionsResult {
  window: Window;
  filter: { status: string | null; user_id: string | null };
  /** Exact over every matching session, not only the listed ones. */
  totals: {
    sessions: number;
    users: number;
    total_tokens: number;
    /** Sum over sessions whose model has a price. */
    estimated_cost_usd: string;
    /** Sessions left out of the cost because their model has no price. */
    unpriced_sessions: number;
  };
  by_status: SessionStatusStats[];
  /** Newest first. */
  sessions: BotSession[];
  truncated: boolean;
  pricing: { usd_per_million_tokens: typeof MODEL_PRICES_USD_PER_MILLION; note: string };
}

const PRICING_NOTE =
  "Estimated from prompt and completion tokens at each session's own model's list price; tokens of the " +
  "after-session memory update are not included.";

/** The sessions in scope, each with its price per token (null when its model has none). */
function scoped(
  sql: Sql,
  since: Date,
  args: { status?: SessionStatus | undefined; user_id?: string | undefined },
) {
  const prices = Object.entries(MODEL_PRICES_USD_PER_MILLION).map(([model, p]) => ({
    model,
    input_usd: p.input,
    output_usd: p.output,
  }));
  return sql`
    select s.*, p.model as priced_model,
           round((coalesce(s.prompt_tokens, 0) * p.input_usd + coalesce(s.completion_tokens, 0) * p.output_usd)
                 / 1000000, 6) as cost
    from esbmcp_chat_sessions s
    left join jsonb_to_recordset(${sql.json(prices)}::jsonb) as p(model text, input_usd numeric, output_usd numeric)
      on p.model = regexp_replace(regexp_replace(lower(trim(s.ai_model)), '^.*/', ''), '-\\d{4}-\\d{2}-\\d{2}$', '')
    where s.created_at > ${since}
      ${args.status === undefined ? sql`` : sql`and s.status = ${args.status}`}
      ${args.user_id === undefined ? sql`` : sql`and s.slack_user_id = ${args.user_id}`}`;
}

type Row = Omit<BotSession, "created_at"> & { created_at: Date | null };

export const getBotSessions = defineTool({
  name: "get_bot_sessions",
  domain: "platform-db-edge",
  title: "Arthur's conversations",
  description:
    "Arthur's recent conversations (esbmcp_chat_sessions) over the last hours_back hours (default 24, at most " +
    "720), optionally only one status (completed, error, denied, rate_limited) or one Slack user_id: exact totals " +
    "(sessions, users, tokens, estimated cost), the same per status, and the newest sessions (limit 1–50, " +
    "default 20) with who, where, outcome, the tools used, tokens, duration, model and estimated cost. The cost " +
    "uses each session's own model's price (null for unknown models). A question preview (120 characters) is " +
    "shown to ops for every session and to others only for their own sessions. Use it for 'what did people ask " +
    "Arthur today?' or 'why did my question fail?'.",
  input,
  policy: { roles: ROLES_OPS_VIEWER, risk: "low", maxCallsPerRequest: 2 },
  async handler(args, { sql, rowCap, caller }): Promise<BotSessionsResult> {
    const { window, since } = await windowOf(sql, args.hours_back);
    const sessions = scoped(sql, since, args);
    const seesAll = caller.role === "ops";
    const [totals] = await sql<
      (Omit<BotSessionsResult["totals"], "estimated_cost_usd"> & { cost: string })[]
    >`
      with s as (${sessions})
      select count(*)::int as sessions, count(distinct slack_user_id)::int as users,
             coalesce(sum(total_tokens), 0)::int as total_tokens,
             round(coalesce(sum(cost), 0), 6)::text as cost,
             count(*) filter (where priced_model is null)::int as unpriced_sessions
      from s`;
    const byStatus = await sql<(Omit<SessionStatusStats, "estimated_cost_usd"> & { cost: string })[]>`
      with s as (${sessions})
      select status, count(*)::int as sessions, count(distinct slack_user_id)::int as users,
             round(avg(total_duration_ms))::int as avg_duration_ms,
             coalesce(sum(total_tokens), 0)::int as total_tokens, round(coalesce(sum(cost), 0), 6)::text as cost
      from s group by status order by count(*) desc, status`;
    const shown = Math.min(args.limit, rowCap);
    const rows = await sql<Row[]>`
      with s as (${sessions})
      select s.id, s.created_at, s.slack_user_id, s.slack_username, s.user_role, s.slack_channel_id as channel_id,
             s.interaction_type, s.status,
             case when ${seesAll} or s.slack_user_id = ${caller.userId}
                  then left(s.user_prompt, ${PROMPT_PREVIEW_CHARS}) end as prompt_preview,
             not (${seesAll} or s.slack_user_id = ${caller.userId}) as prompt_hidden,
             coalesce((select array_agg(coalesce(t ->> 'name', t ->> 'tool', t #>> '{}') order by i)
                       from jsonb_array_elements(
                              case when jsonb_typeof(s.tools_called) = 'array' then s.tools_called else '[]' end)
                            with ordinality as x(t, i)
                       where i <= ${TOOLS_PER_SESSION}), '{}') as tools,
             coalesce(s.tool_call_count, 0)::int as tool_call_count,
             coalesce(s.prompt_tokens, 0)::int as prompt_tokens,
             coalesce(s.completion_tokens, 0)::int as completion_tokens,
             coalesce(s.total_tokens, 0)::int as total_tokens,
             s.total_duration_ms as duration_ms, s.ai_model, s.cost::text as estimated_cost_usd,
             left(s.error_message, 1000) as error_message
      from s
      order by s.created_at desc, s.id
      limit ${shown + 1}`;
    const cut = capped(rows, shown);
    return {
      window,
      filter: { status: args.status ?? null, user_id: args.user_id ?? null },
      totals: {
        sessions: totals?.sessions ?? 0,
        users: totals?.users ?? 0,
        total_tokens: totals?.total_tokens ?? 0,
        estimated_cost_usd: totals?.cost ?? "0.000000",
        unpriced_sessions: totals?.unpriced_sessions ?? 0,
      },
      by_status: byStatus.map(({ cost, ...s }) => ({ ...s, estimated_cost_usd: cost })),
      sessions: cut.rows.map((s) => ({
        ...s,
        created_at: iso(s.created_at),
        error_message: clip(s.error_message, 200),
      })),
      truncated: cut.truncated,
      pricing: { usd_per_million_tokens: MODEL_PRICES_USD_PER_MILLION, note: PRICING_NOTE },
    };
  },
  format(r) {
    const t = r.totals;
    const scope = [r.filter.status, r.filter.user_id].filter(Boolean).join(", ");
    const lines = [
      `Sessions, last ${r.window.hours} h${scope ? ` (${scope})` : ""}: ${t.sessions} by ${t.users} users, ` +
        `${t.total_tokens} tokens, ~USD ${t.estimated_cost_usd}` +
        (t.unpriced_sessions ? ` (${t.unpriced_sessions} sessions with an unpriced model not included)` : ""),
      ...r.by_status.map(
        (s) => `- ${s.status}: ${s.sessions} (${s.users} users, ~USD ${s.estimated_cost_usd})`,
      ),
      ...r.sessions.map(
        (s) =>
          `  ${s.created_at?.slice(0, 16).replace("T", " ") ?? "?"} ${s.slack_username ?? s.slack_user_id} ` +
          `${s.status}: ${s.prompt_hidden ? "(question hidden)" : `"${s.prompt_preview ?? ""}"`}` +
          `${s.tools.length ? ` [${s.tools.join(", ")}]` : ""}`,
      ),
      ...truncationNote(r.truncated, r.sessions.length),
    ];
    return lines.join("\n");
  },
});
