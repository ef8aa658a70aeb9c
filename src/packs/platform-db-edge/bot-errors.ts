import { z } from "zod";
import { defineTool } from "../../catalog/index.ts";
import { capped, iso, truncationNote } from "../data-read/shared.ts";
import { clip, hoursBack, listLimit, ROLES_OPS_VIEWER, token, type Window, windowOf } from "./shared.ts";

const input = z.strictObject({
  hours_back: hoursBack(720),
  tool_name: token("Only errors of this tool, e.g. get_vote_data").optional(),
  limit: listLimit(),
});

/** Groups of (tool, error type) listed at most (the row cap may lower it). */
export const ERROR_GROUPS_LISTED = 20;

export interface BotError {
  id: string;
  created_at: string | null;
  tool_name: string;
  error_type: string;
  error_code: string | null;
  message: string | null;
  hint: string | null;
  /** The start of the failing SQL, when the error came from the database. */
  sql_preview: string | null;
  resolved: boolean;
  slack_user_id: string | null;
  user_role: string | null;
  execution_id: string | null;
  request_id: string | null;
}

export interface ErrorGroup {
  tool_name: string;
  error_type: string;
  count: number;
  unresolved: number;
  last_seen: string | null;
}

export interface BotErrorsResult {
  window: Window;
  tool_filter: string | null;
  /** Exact over the window (and tool filter), not only the listed rows. */
  totals: { errors: number; unresolved: number; tools: number; users: number };
  /** Open errors of any age (and tool filter): what is still waiting for someone. */
  unresolved_all_time: number;
  /** Largest groups first. */
  by_tool_and_type: ErrorGroup[];
  /** Newest first. */
  errors: BotError[];
  truncated: boolean;
}

export const getBotErrors = defineTool({
  name: "get_bot_errors",
  domain: "platform-db-edge",
  title: "Arthur's tool errors",
  description:
    "Unexpected failures of Arthur's own tools (esbmcp_tool_errors: SQL errors, timeouts, Edge Function " +
    "failures) over the last hours_back hours (default 24, at most 720), optionally for one tool_name: exact " +
    "totals (errors, unresolved, tools and users affected), open errors of any age, counts per tool and error " +
    "type, and the newest errors (limit 1–50, default 20) with code, message, hint and the start of the failing " +
    "SQL. Refusals such as a denied role or bad arguments are not errors; see get_bot_tool_stats. Use it for " +
    "'is anything broken in Arthur?'.",
  input,
  policy: { roles: ROLES_OPS_VIEWER, risk: "low", maxCallsPerRequest: 2 },
  async handler(args, { sql, rowCap }): Promise<BotErrorsResult> {
    const { window, since } = await windowOf(sql, args.hours_back);
    const tool = args.tool_name === undefined ? sql`` : sql`and tool_name = ${args.tool_name}`;
    const [totals] = await sql<(BotErrorsResult["totals"] & { open_ever: number })[]>`
      select count(*)::int as errors, count(*) filter (where not resolved)::int as unresolved,
             count(distinct tool_name)::int as tools, count(distinct slack_user_id)::int as users,
             (select count(*)::int from esbmcp_tool_errors where not resolved ${tool}) as open_ever
      from esbmcp_tool_errors
      where created_at > ${since} ${tool}`;
    const groupsShown = Math.min(ERROR_GROUPS_LISTED, rowCap);
    const groups = await sql<(Omit<ErrorGroup, "last_seen"> & { last_seen: Date | null })[]>`
      select tool_name, error_type, count(*)::int as count, count(*) filter (where not resolved)::int as unresolved,
             max(created_at) as last_seen
      from esbmcp_tool_errors
      where created_at > ${since} ${tool}
      group by tool_name, error_type
      order by count(*) desc, max(created_at) desc, tool_name, error_type
      limit ${groupsShown + 1}`;
    const shown = Math.min(args.limit, rowCap);
    const rows = await sql<(Omit<BotError, "created_at"> & { created_at: Date | null })[]>`
      select id, created_at, tool_name, error_type, error_code, left(error_message, 1000) as message,
             left(error_hint, 500) as hint, left(sql_query_preview, 500) as sql_preview, resolved,
             slack_user_id, user_role, execution_id, request_id
      from esbmcp_tool_errors
      where created_at > ${since} ${tool}
      order by created_at desc, id
      limit ${shown + 1}`;
    const groupCut = capped(groups, groupsShown);
    const cut = capped(rows, shown);
    return {
      window,
      tool_filter: args.tool_name ?? null,
      totals: {
        errors: totals?.errors ?? 0,
        unresolved: totals?.unresolved ?? 0,
        tools: totals?.tools ?? 0,
        users: totals?.users ?? 0,
      },
      unresolved_all_time: totals?.open_ever ?? 0,
      by_tool_and_type: groupCut.rows.map((g) => ({ ...g, last_seen: iso(g.last_seen) })),
      errors: cut.rows.map((e) => ({
        ...e,
        created_at: iso(e.created_at),
        message: clip(e.message, 300),
        hint: clip(e.hint, 200),
        sql_preview: clip(e.sql_preview, 200),
      })),
      truncated: cut.truncated || groupCut.truncated,
    };
  },
  format(r) {
    const t = r.totals;
    const lines = [
      `Tool errors, last ${r.window.hours} h${r.tool_filter ? ` (${r.tool_filter})` : ""}: ${t.errors} ` +
        `(${t.unresolved} unresolved) across ${t.tools} tools and ${t.users} users; ` +
        `${r.unresolved_all_time} unresolved of any age`,
      ...r.by_tool_and_type.map((g) => `- ${g.tool_name} ${g.error_type}: ${g.count} (${g.unresolved} open)`),
      ...r.errors.map(
        (e) =>
          `  ${e.created_at?.slice(0, 16).replace("T", " ") ?? "?"} ${e.tool_name} ${e.error_code ?? e.error_type}: ` +
          `${e.message ?? ""}${e.resolved ? " (resolved)" : ""}`,
      ),
      ...truncationNote(r.truncated, r.errors.length),
    ];
    return lines.join("\n");
  },
});
