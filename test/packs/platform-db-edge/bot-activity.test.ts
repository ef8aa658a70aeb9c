import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Caller, Role } from "../../../src/catalog/index.ts";
import type { ToolService } from "../../../src/gateway/index.ts";
import type { BotErrorsResult } from "../../../src/packs/platform-db-edge/bot-errors.ts";
import type { BotSessionsResult } from "../../../src/packs/platform-db-edge/bot-sessions.ts";
import type { BotToolStatsResult } from "../../../src/packs/platform-db-edge/bot-tool-stats.ts";
import {
  getBotErrors,
  getBotSessions,
  getBotToolStats,
  platformDbEdgeTools,
} from "../../../src/packs/platform-db-edge/index.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { startTestToolService } from "../../helpers/gateway.ts";
import { OPS_CALLER, runReadTool } from "../../helpers/tools.ts";

const db = useTestDatabase();

const VIEWER: Caller = { ...OPS_CALLER, userId: "U_VIEW", role: "viewer" };
const LONG_PROMPT = `How many tickets did AB4120 sell and who is owed money from AB4001? ${"Please be thorough. ".repeat(20)}`;

// ---------------------------------------------------------------------------------------------------
// Sessions as the assistant would log them: several users, models, outcomes and ages.

interface SessionSeed {
  user: string;
  role: string;
  model: string | null;
  status: string;
  prompt: string;
  input: number;
  output: number;
  minutesAgo: number;
  tools?: unknown[];
  error?: string;
}

const SESSIONS: SessionSeed[] = [
  {
    user: "U-test-ops",
    role: "ops",
    model: "gpt-4o-mini-2024-07-18",
    status: "completed",
    prompt: LONG_PROMPT,
    input: 1000,
    output: 200,
    minutesAgo: 30,
    tools: [
      { name: "get_event_summary", ok: true },
      { name: "get_vote_data", ok: true },
    ],
  },
  {
    user: "U_VIEW",
    role: "viewer",
    model: "gpt-4o",
    status: "completed",
    prompt: `My own question: ${LONG_PROMPT}`,
    input: 3000,
    output: 500,
    minutesAgo: 60,
    tools: ["lookup_event"],
  },
  {
    user: "U_ALICE",
    role: "ops",
    model: "gpt-4o",
    status: "error",
    prompt: "Secret: which artists are owed in CAD?",
    input: 2000,
    output: 0,
    minutesAgo: 120,
    error: "The model did not answer in time",
  },
  {
    user: "U_BOB",
    role: "viewer",
    model: "claude-3-5-sonnet",
    status: "completed",
    prompt: "Bob asks about AB4023 visibility",
    input: 500,
    output: 100,
    minutesAgo: 200,
  },
  {
    user: "U_BOB",
    role: "viewer",
    model: null,
    status: "denied",
    prompt: "Bob tries to pay an artist",
    input: 0,
    output: 0,
    minutesAgo: 300,
  },
  {
    user: "U_DAVE",
    role: "marketing",
    model: "openai/gpt-4o",
    status: "completed",
    prompt: "Dave wants SMS stats",
    input: 800,
    output: 80,
    minutesAgo: 400,
  },
  {
    user: "U_CAROL",
    role: "finance",
    model: "gpt-4-turbo-2024-04-09",
    status: "rate_limited",
    prompt: "Carol again",
    input: 100,
    output: 20,
    minutesAgo: 600,
  },
  {
    user: "U_ALICE",
    role: "ops",
    model: "gpt-4o-mini",
    status: "completed",
    prompt: "Yesterday's question",
    input: 400,
    output: 40,
    minutesAgo: 30 * 60,
  },
  {
    user: "U_VIEW",
    role: "viewer",
    model: "gpt-4o-mini",
    status: "completed",
    prompt: "An old question",
    input: 400,
    output: 40,
    minutesAgo: 10 * 24 * 60,
  },
];

/** The list prices, written out per model name as the test seeded them. */
const COST_SQL = `round(case
  when ai_model in ('gpt-4o-mini', 'gpt-4o-mini-2024-07-18') then (prompt_tokens * 0.15 + completion_tokens * 0.60) / 1000000
  when ai_model in ('gpt-4o', 'openai/gpt-4o') then (prompt_tokens * 2.50 + completion_tokens * 10) / 1000000
  when ai_model = 'gpt-4-turbo-2024-04-09' then (prompt_tokens * 10.0 + completion_tokens * 30.0) / 1000000
end, 6)`;

// ---------------------------------------------------------------------------------------------------
// Tool errors as the gateway records them.

interface ErrorSeed {
  tool: string;
  type: string;
  code: string;
  message: string;
  resolved: boolean;
  minutesAgo: number;
  user: string;
}

const ERRORS: ErrorSeed[] = [
  {
    tool: "get_vote_data",
    type: "sql_error",
    code: "42P01",
    message: 'relation "vote_weights_v2" does not exist',
    resolved: false,
    minutesAgo: 60,
    user: "U_ALICE",
  },
  {
    tool: "get_vote_data",
    type: "sql_error",
    code: "42P01",
    message: `relation "vote_weights_v2" does not exist ${"detail ".repeat(700)}`,
    resolved: false,
    minutesAgo: 120,
    user: "U_BOB",
  },
  {
    tool: "get_vote_data",
    type: "sql_error",
    code: "42703",
    message: 'column "art_uuid" does not exist',
    resolved: true,
    minutesAgo: 180,
    user: "U_ALICE",
  },
  {
    tool: "get_event_summary",
    type: "timeout",
    code: "57014",
    message: "canceling statement due to statement timeout",
    resolved: false,
    minutesAgo: 300,
    user: "U_CAROL",
  },
  {
    tool: "generate_chart",
    type: "upstream",
    code: "504",
    message: "QuickChart timed out",
    resolved: false,
    minutesAgo: 40 * 60,
    user: "U_DAVE",
  },
  {
    tool: "lookup_person",
    type: "sql_error",
    code: "42P01",
    message: "relation does not exist",
    resolved: false,
    minutesAgo: 20 * 24 * 60,
    user: "U_ALICE",
  },
  {
    tool: "lookup_person",
    type: "sql_error",
    code: "42P01",
    message: "relation does not exist",
    resolved: false,
    minutesAgo: 40 * 24 * 60,
    user: "U_ALICE",
  },
];

// ---------------------------------------------------------------------------------------------------
// Executions: written by the real gateway for a handful of calls, plus older rows.

const REFUSALS = `('UNKNOWN_TOOL', 'INVALID_ARGUMENT', 'FORBIDDEN', 'WRITES_DISABLED', 'RATE_LIMITED', 'APPROVAL_REQUIRED', 'UNAUTHENTICATED', 'REPLAYED')`;

let service: ToolService;

function as(role: Role, userId = `U-${role}`): Caller {
  return { userId, role, teamId: "T1", channelId: "C_OPS", sessionId: null, via: "token" };
}

async function call(caller: Caller, toolName: string, args: object): Promise<void> {
  await service.gateway
    .call({ caller, toolName, arguments: args, requestId: randomUUID(), ipAddress: null })
    .catch(() => undefined);
}

beforeAll(async () => {
  for (const s of SESSIONS) {
    await db.sql`
      insert into esbmcp_chat_sessions
        (slack_user_id, slack_username, slack_channel_id, user_role, user_prompt, ai_model, tools_called, tool_call_count,
         status, error_message, total_duration_ms, prompt_tokens, completion_tokens, total_tokens, created_at)
      values (${s.user}, ${s.user.toLowerCase()}, 'C_OPS', ${s.role}, ${s.prompt}, ${s.model},
              ${db.sql.json((s.tools ?? []) as never)}, ${(s.tools ?? []).length}, ${s.status}, ${s.error ?? null},
              ${1000 + s.input}, ${s.input}, ${s.output}, ${s.input + s.output},
              now() - make_interval(mins => ${s.minutesAgo}))`;
  }
  for (const e of ERRORS) {
    await db.sql`
      insert into esbmcp_tool_errors
        (tool_name, domain, error_type, error_code, error_message, sql_query_preview, resolved, resolved_at,
         slack_user_id, user_role, created_at)
      values (${e.tool}, 'data-read', ${e.type}, ${e.code}, ${e.message},
              ${e.type === "sql_error" ? `select * from vote_weights_v2 where event_id = $1 ${"and true ".repeat(100)}` : null},
              ${e.resolved}, ${e.resolved ? db.sql`now()` : null}, ${e.user}, 'ops',
              now() - make_interval(mins => ${e.minutesAgo}))`;
  }
  const older: [string, boolean, string | null, number, number][] = [
    ["get_bug_reports", false, "TIMEOUT", 5000, 120],
    ["get_bug_reports", true, null, 300, 180],
    ["get_bot_sessions", true, null, 40, 240],
    ["get_bug_reports", true, null, 900, 30 * 60],
    ["get_bot_errors", false, "INTERNAL", 10, 10 * 24 * 60],
  ];
  for (const [tool, ok, code, ms, minutes] of older) {
    await db.sql`
      insert into esbmcp_tool_executions (tool_name, domain, slack_user_id, user_role, ok, error_code, duration_ms, created_at)
      values (${tool}, 'platform-db-edge', 'U_ALICE', 'ops', ${ok}, ${code}, ${ms}, now() - make_interval(mins => ${minutes}))`;
  }
  service = startTestToolService(db, { tools: platformDbEdgeTools });
  for (let i = 0; i < 3; i++) await call(as("ops"), "get_bug_reports", {});
  await call(as("viewer"), "check_rls_policies", { table_name: "people" });
  await call(as("ops"), "check_rls_policies", { table_name: "no_such_table" });
  await call(as("finance"), "live_event_diagnostic", { eid: "AB4120" });
  await call(as("ops"), "get_email_log", { limit: 99 });
  await call(as("ops"), "no_such_tool", {});
  await call(as("ops"), "create_bug_report", { title: "Broken chart", description: "No chart" });
  await service.audit.flush();
});

afterAll(() => service?.close());

describe("get_bot_sessions", () => {
  const sessions = (args: object, caller: Caller = OPS_CALLER, rowCap = 200) =>
    runReadTool<BotSessionsResult>(db.sql, getBotSessions, args, caller, rowCap);

  it("counts the window's sessions per status like independent SQL", async () => {
    const rows = await db.sql<
      { status: string; sessions: number; users: number; tokens: number; cost: string }[]
    >`
      select status, count(*)::int as sessions, count(distinct slack_user_id)::int as users,
             sum(total_tokens)::int as tokens, round(coalesce(sum(${db.sql.unsafe(COST_SQL)}), 0), 6)::text as cost
      from esbmcp_chat_sessions where created_at > now() - interval '24 hours'
      group by status order by count(*) desc, status`;
    const [totals] = await db.sql<{ n: number; users: number; cost: string; unpriced: number }[]>`
      select count(*)::int as n, count(distinct slack_user_id)::int as users,
             round(coalesce(sum(${db.sql.unsafe(COST_SQL)}), 0), 6)::text as cost,
             count(*) filter (where ${db.sql.unsafe(COST_SQL)} is null)::int as unpriced
      from esbmcp_chat_sessions where created_at > now() - interval '24 hours'`;
    const result = await sessions({});
    expect(result.totals).toEqual({
      sessions: totals?.n,
      users: totals?.users,
      total_tokens: rows.reduce((a, r) => a + r.tokens, 0),
      estimated_cost_usd: totals?.cost,
      unpriced_sessions: totals?.unpriced,
    });
    expect(result.totals.sessions).toBe(7);
    expect(
      result.by_status.map((s) => [s.status, s.sessions, s.users, s.total_tokens, s.estimated_cost_usd]),
    ).toEqual(rows.map((r) => [r.status, r.sessions, r.users, r.tokens, r.cost]));
    const wide = await sessions({ hours_back: 48 });
    expect(wide.totals.sessions).toBe(8);
  });

  it("prices each session at its own model, and leaves unknown models unpriced", async () => {
    const expected = await db.sql<{ id: string; cost: string | null }[]>`
      select id, ${db.sql.unsafe(COST_SQL)}::text as cost from esbmcp_chat_sessions
      where created_at > now() - interval '24 hours'`;
    const result = await sessions({});
    const costs = Object.fromEntries(result.sessions.map((s) => [s.id, s.estimated_cost_usd]));
    expect(costs).toEqual(Object.fromEntries(expected.map((e) => [e.id, e.cost])));
    // The newest session used gpt-4o-mini; the gpt-4o one still costs gpt-4o's price.
    expect(result.sessions[0]?.ai_model).toBe("gpt-4o-mini-2024-07-18");
    const viewerSession = result.sessions.find((s) => s.slack_user_id === "U_VIEW");
    expect(viewerSession?.estimated_cost_usd).toBe("0.012500");
    expect(result.sessions.find((s) => s.ai_model === "claude-3-5-sonnet")?.estimated_cost_usd).toBeNull();
    expect(result.sessions.find((s) => s.slack_user_id === "U-test-ops")?.tools).toEqual([
      "get_event_summary",
      "get_vote_data",
    ]);
  });

  it("shows a viewer only their own questions; ops see every question", async () => {
    const ops = await sessions({});
    expect(ops.sessions.every((s) => !s.prompt_hidden && s.prompt_preview !== null)).toBe(true);
    const own = await db.sql<{ id: string; preview: string }[]>`
      select id, left(user_prompt, 120) as preview from esbmcp_chat_sessions
      where created_at > now() - interval '24 hours'`;
    for (const s of ops.sessions) expect(s.prompt_preview).toBe(own.find((o) => o.id === s.id)?.preview);
    expect(ops.sessions.find((s) => s.slack_user_id === "U-test-ops")?.prompt_preview).toHaveLength(120);

    const viewer = await sessions({}, VIEWER);
    const mine = viewer.sessions.filter((s) => s.slack_user_id === "U_VIEW");
    const others = viewer.sessions.filter((s) => s.slack_user_id !== "U_VIEW");
    expect(mine).toHaveLength(1);
    expect(mine[0]?.prompt_preview?.startsWith("My own question")).toBe(true);
    expect(others.length).toBe(viewer.totals.sessions - 1);
    expect(others.every((s) => s.prompt_hidden && s.prompt_preview === null)).toBe(true);
    expect(JSON.stringify(viewer)).not.toContain("Secret: which artists");
    expect(getBotSessions.format(viewer)).toContain("(question hidden)");
    expect(getBotSessions.format(viewer)).not.toContain("Secret: which artists");
  });

  it("filters by status and user, and the limit cuts the list but not the totals", async () => {
    const [errors] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from esbmcp_chat_sessions
      where status = 'error' and created_at > now() - interval '24 hours'`;
    const failed = await sessions({ status: "error" });
    expect(failed.totals.sessions).toBe(errors?.n);
    expect(failed.sessions.every((s) => s.status === "error")).toBe(true);
    expect(failed.sessions[0]?.error_message).toBe("The model did not answer in time");
    const bob = await sessions({ user_id: "U_BOB", hours_back: 720 });
    expect(bob.totals.sessions).toBe(2);
    expect(bob.sessions.every((s) => s.slack_user_id === "U_BOB")).toBe(true);
    const cut = await sessions({ limit: 2 });
    expect(cut.sessions).toHaveLength(2);
    expect(cut.truncated).toBe(true);
    expect(cut.totals.sessions).toBe(7);
    await expect(sessions({ status: "failed" })).rejects.toThrow();
  });
});

describe("get_bot_errors", () => {
  const errors = (args: object, rowCap = 200) =>
    runReadTool<BotErrorsResult>(db.sql, getBotErrors, args, undefined, rowCap);

  async function expectedFor(hours: number, tool: string | null) {
    const filter = tool === null ? db.sql`` : db.sql`and tool_name = ${tool}`;
    const [totals] = await db.sql<
      { errors: number; unresolved: number; tools: number; users: number; open: number }[]
    >`
      select count(*)::int as errors, count(*) filter (where not resolved)::int as unresolved,
             count(distinct tool_name)::int as tools, count(distinct slack_user_id)::int as users,
             (select count(*)::int from esbmcp_tool_errors where not resolved ${filter}) as open
      from esbmcp_tool_errors where created_at > now() - make_interval(hours => ${hours}) ${filter}`;
    const groups = await db.sql<
      { tool_name: string; error_type: string; count: number; unresolved: number }[]
    >`
      select tool_name, error_type, count(*)::int as count, count(*) filter (where not resolved)::int as unresolved
      from esbmcp_tool_errors where created_at > now() - make_interval(hours => ${hours}) ${filter}
      group by 1, 2 order by count(*) desc, max(created_at) desc`;
    return { totals, groups };
  }

  it("counts the window's errors, per tool and type, like independent SQL", async () => {
    const expected = await expectedFor(24, null);
    const result = await errors({});
    expect(result.totals).toEqual({
      errors: expected.totals?.errors,
      unresolved: expected.totals?.unresolved,
      tools: expected.totals?.tools,
      users: expected.totals?.users,
    });
    expect(result.totals.errors).toBe(4);
    expect(getBotErrors.format(result)).toContain("get_vote_data sql_error: 3 (2 open)");
    expect(result.unresolved_all_time).toBe(expected.totals?.open);
    expect(result.by_tool_and_type.map(({ last_seen, ...g }) => g)).toEqual(expected.groups);
    const times = result.errors.map((e) => e.created_at ?? "");
    expect(times).toEqual([...times].sort().reverse());
    for (const e of result.errors) {
      expect(e.message?.length ?? 0).toBeLessThanOrEqual(300);
      expect(e.sql_preview?.length ?? 0).toBeLessThanOrEqual(200);
    }
  });

  it("widens with hours_back and narrows to one tool", async () => {
    const month = await errors({ hours_back: 720 });
    const expectedMonth = await expectedFor(720, null);
    expect(month.totals.errors).toBe(expectedMonth.totals?.errors);
    expect(month.totals.errors).toBe(6);
    const votes = await errors({ tool_name: "get_vote_data" });
    const expectedVotes = await expectedFor(24, "get_vote_data");
    expect(votes.totals).toMatchObject({ errors: expectedVotes.totals?.errors, unresolved: 2 });
    expect(votes.errors.every((e) => e.tool_name === "get_vote_data")).toBe(true);
    expect(votes.unresolved_all_time).toBe(expectedVotes.totals?.open);
  });

  it("cuts the list at the limit and refuses a tool name that is not one word", async () => {
    const cut = await errors({ limit: 1 });
    expect(cut.errors).toHaveLength(1);
    expect(cut.truncated).toBe(true);
    expect(cut.totals.errors).toBe(4);
    await expect(errors({ tool_name: "x' or 1=1 --" })).rejects.toThrow();
  });
});

describe("get_bot_tool_stats", () => {
  const stats = (args: object, rowCap = 200) =>
    runReadTool<BotToolStatsResult>(db.sql, getBotToolStats, args, undefined, rowCap);

  it("counts the gateway's own execution rows per tool like independent SQL", async () => {
    const expected = await db.sql<
      {
        tool_name: string;
        calls: number;
        ok: number;
        refused: number;
        not_found: number;
        errors: number;
        max_ms: number | null;
        users: number;
      }[]
    >`
      select tool_name, count(*)::int as calls, count(*) filter (where ok)::int as ok,
             count(*) filter (where error_code in ${db.sql.unsafe(REFUSALS)})::int as refused,
             count(*) filter (where error_code = 'NOT_FOUND')::int as not_found,
             count(*) filter (where not ok and error_code not in ${db.sql.unsafe(REFUSALS)}
                                and error_code <> 'NOT_FOUND')::int as errors,
             max(duration_ms) filter (where error_code is null or error_code not in ${db.sql.unsafe(REFUSALS)}) as max_ms,
             count(distinct slack_user_id)::int as users
      from esbmcp_tool_executions where created_at > now() - interval '24 hours'
      group by tool_name order by count(*) desc, tool_name`;
    const result = await stats({});
    expect(
      result.tools.map((t) => ({
        tool_name: t.tool_name,
        calls: t.calls,
        ok: t.ok,
        refused: t.refused,
        not_found: t.not_found,
        errors: t.errors,
        max_ms: t.max_ms,
        users: t.users,
      })),
    ).toEqual(expected);
    const bugs = result.tools.find((t) => t.tool_name === "get_bug_reports");
    expect(bugs).toMatchObject({ calls: 5, ok: 4, errors: 1, refused: 0, failed: 1 });
    expect(result.tools.find((t) => t.tool_name === "create_bug_report")).toMatchObject({
      calls: 1,
      refused: 1,
    });
    expect(result.tools.find((t) => t.tool_name === "check_rls_policies")).toMatchObject({
      ok: 1,
      not_found: 1,
    });
    expect(result.tools.find((t) => t.tool_name === "live_event_diagnostic")).toMatchObject({
      refused: 1,
      ok: 0,
    });
    const t = result.totals;
    expect(t.calls).toBe(expected.reduce((a, r) => a + r.calls, 0));
    expect(t.ok + t.refused + t.not_found + t.errors).toBe(t.calls);
    expect(t.failed).toBe(t.calls - t.ok);
    expect(getBotToolStats.format(result)).toContain(`${t.calls} by ${t.users} users`);
  });

  it("lists the busiest users and widens with hours_back", async () => {
    const users = await db.sql<{ slack_user_id: string; calls: number }[]>`
      select slack_user_id, count(*)::int as calls from esbmcp_tool_executions
      where created_at > now() - interval '24 hours' group by 1 order by 2 desc, 1`;
    const result = await stats({});
    expect(result.top_users.map((u) => [u.slack_user_id, u.calls])).toEqual(
      users.map((u) => [u.slack_user_id, u.calls]),
    );
    const wide = await stats({ hours_back: 48 });
    expect(wide.totals.calls).toBe(result.totals.calls + 1);
    const month = await stats({ hours_back: 720 });
    expect(month.totals.calls).toBe(result.totals.calls + 2);
  });

  it("cuts the tool list at the limit, keeping exact totals", async () => {
    const full = await stats({});
    const cut = await stats({ limit: 2 });
    expect(cut.tools).toHaveLength(2);
    expect(cut.truncated).toBe(true);
    expect(cut.totals).toEqual(full.totals);
    await expect(stats({ limit: 0 })).rejects.toThrow();
  });
});
