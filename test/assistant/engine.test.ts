import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Assistant, InProcessToolPort, TOOL_HINTS, ToolIndex } from "../../src/assistant/index.ts";
import type { Caller, Role } from "../../src/catalog/index.ts";
import type { ToolService } from "../../src/gateway/index.ts";
import { useTestDatabase } from "../helpers/db.ts";
import { startTestToolService } from "../helpers/gateway.ts";
import { cleanEnv, runArthur } from "../helpers/process.ts";

const db = useTestDatabase();
let service: ToolService;
let assistant: Assistant;

beforeAll(() => {
  service = startTestToolService(db, { env: { ENABLE_MUTATING_TOOLS: "true" } });
  const registry = service.gateway.registry;
  assistant = new Assistant({
    sql: db.sql,
    registry,
    index: new ToolIndex(registry.list(), TOOL_HINTS),
    tools: new InProcessToolPort(service.gateway),
  });
});
afterAll(() => service.close());

function as(role: Role, userId = `U-${role}`): Caller {
  return { userId, role, teamId: "T1", channelId: "C0ASSIST01", sessionId: null, via: "internal" };
}

async function executions(userId: string): Promise<string[]> {
  await service.audit.flush();
  const rows = await db.sql<{ tool_name: string }[]>`
    select tool_name from esbmcp_tool_executions where slack_user_id = ${userId} order by started_at`;
  return rows.map((r) => r.tool_name);
}

describe("the offline assistant", () => {
  it("answers who is owed money for an event with get_artists_owed for that event, through the gateway", async () => {
    const answer = await assistant.answer({
      message: "who is still owed money for AB4001?",
      caller: as("finance", "U-owed"),
      interaction: "cli",
    });
    expect(answer.tools.map((t) => [t.tool, t.arguments])).toEqual([["get_artists_owed", { eid: "AB4001" }]]);
    const result = answer.tools[0]?.result as { balances: { artist: string; owed: string }[] };
    const names = result.balances.filter((b) => Number(b.owed) > 0).map((b) => b.artist);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names.slice(0, 3)) expect(answer.text).toContain(name);
    // Audited as the asking user: the gateway ran it, not a shortcut.
    expect(await executions("U-owed")).toEqual(["get_artists_owed"]);
  });

  it("resolves an artist by name before reading their Stripe status", async () => {
    const [marco] = await db.sql<
      { id: string }[]
    >`select id from artist_profiles where name = 'Marco Delgado'`;
    const answer = await assistant.answer({
      message: "Does Marco Delgado have Stripe payouts enabled?",
      caller: as("finance"),
      interaction: "cli",
    });
    expect(answer.tools.map((t) => t.tool)).toEqual(["lookup_artist_profile", "get_artist_stripe_status"]);
    expect(answer.tools[1]?.arguments).toMatchObject({ artist_profile_id: marco?.id });
  });

  it("refuses a tool the role may not use, naming the roles that may, and calls nothing", async () => {
    const answer = await assistant.answer({
      message: "Please pay Lena Okafor $450 CAD for her sale at AB4011.",
      caller: as("event-producer", "U-ep-pay"),
      interaction: "cli",
    });
    expect(answer.denied?.tool).toBe("process_artist_payment");
    expect(answer.denied?.reason).toContain("finance");
    expect(answer.tools).toEqual([]);
    expect(await executions("U-ep-pay")).toEqual([]);
  });

  it("asks for a missing required detail instead of guessing", async () => {
    const answer = await assistant.answer({
      message: "Can you update the artist's bio?",
      caller: as("ops", "U-ops-bio"),
      interaction: "cli",
    });
    expect(answer.clarification).toBeTruthy();
    expect(answer.tools).toEqual([]);
  });

  it("turns a write into a pending approval for the requester, and answers small talk without tools", async () => {
    const answer = await assistant.answer({
      message: "Schedule the AB4125 ticket chart to autopost in channel C0MKTG0125 daily",
      caller: as("marketing", "U-mkt"),
      interaction: "cli",
    });
    expect(answer.pendingApprovals.map((p) => p.tool)).toEqual(["schedule_chart_autopost"]);
    expect(answer.pendingApprovals[0]?.arguments).toMatchObject({
      eid: "AB4125",
      slack_channel_id: "C0MKTG0125",
      cadence: "daily",
    });
    const [stored] = await db.sql<{ requested_by: string; tool_name: string }[]>`
      select requested_by, tool_name from arthur_approvals where id = ${answer.pendingApprovals[0]?.approvalId ?? ""}`;
    expect(stored).toEqual({ requested_by: "U-mkt", tool_name: "schedule_chart_autopost" });

    const hello = await assistant.answer({
      message: "Good morning, Arthur!",
      caller: as("viewer"),
      interaction: "cli",
    });
    expect(hello.tools).toEqual([]);
    expect(hello.denied).toBeNull();
  });
});

describe("rate limits", () => {
  it("refuses a user's question over the per-minute limit with when to retry, and runs nothing", async () => {
    const registry = service.gateway.registry;
    const limited = new Assistant({
      sql: db.sql,
      registry,
      index: new ToolIndex(registry.list(), TOOL_HINTS),
      tools: new InProcessToolPort(service.gateway),
      rateLimits: { userPerMinute: 2, channelPerMinute: 80 },
      sessions: { version: "test" },
    });
    const ask = () =>
      limited.answer({
        message: "what's the config for AB4001?",
        caller: as("ops", "U-rl-engine"),
        interaction: "cli",
      });
    expect((await ask()).rateLimited).toBeNull();
    expect((await ask()).rateLimited).toBeNull();
    const third = await ask();
    expect(third.rateLimited?.key).toBe("user:U-rl-engine");
    expect(third.text).toMatch(/try again in \d+ s/);
    expect(third.tools).toEqual([]);
    expect(await executions("U-rl-engine")).toHaveLength(2);

    // Every question is a session; its tool executions carry the session id; the refusal is audited.
    const sessions = await db.sql<
      { id: string; status: string; tool_call_count: number; interaction_type: string }[]
    >`
      select id, status, tool_call_count, interaction_type from esbmcp_chat_sessions
      where slack_user_id = 'U-rl-engine' order by created_at`;
    expect(sessions.map((r) => [r.status, r.tool_call_count, r.interaction_type])).toEqual([
      ["completed", 1, "cli"],
      ["completed", 1, "cli"],
      ["rate_limited", 0, "cli"],
    ]);
    const linked = await db.sql<{ session_id: string }[]>`
      select session_id from esbmcp_tool_executions where slack_user_id = 'U-rl-engine' order by started_at`;
    expect(linked.map((r) => r.session_id)).toEqual(sessions.slice(0, 2).map((r) => r.id));
    const audited = await db.sql<{ session_id: string; detail: { key: string } }[]>`
      select session_id, detail from esbmcp_audit_log
      where slack_user_id = 'U-rl-engine' and event_type = 'rate_limit_exceeded'`;
    expect(audited).toEqual([
      { session_id: sessions[2]?.id, detail: expect.objectContaining({ key: "user:U-rl-engine" }) },
    ]);
  });
});

describe("personal data in answers", () => {
  it("a viewer never sees an unmasked email or phone number, while dates survive", async () => {
    const [person] = await db.sql<{ email: string; phone: string | null }[]>`
      select email, phone from people
      where email is not null and phone is not null order by id limit 1`;
    expect(person?.email).toBeTruthy();
    const email = person?.email as string;
    const viewer = await assistant.answer({
      message: `Find the person with the email ${email}`,
      caller: as("viewer"),
      interaction: "cli",
    });
    expect(viewer.tools.map((t) => t.tool)).toEqual(["lookup_person"]);
    const shown = `${viewer.text}\n${JSON.stringify(viewer.tools.map((t) => t.result))}`;
    expect(shown).not.toContain(email);
    const digits = (person?.phone ?? "").replace(/\D/g, "");
    if (digits.length >= 7) expect(shown.replace(/\D/g, " ")).not.toContain(digits);

    // E-mails sent to someone: recipients masked, the dates they were sent left intact.
    const [sent] = await db.sql<{ recipient: string }[]>`
      select recipient from email_logs where recipient like '%@%' and sent_at is not null order by id limit 1`;
    const log = await assistant.answer({
      message: `show the email log for ${sent?.recipient}`,
      caller: as("viewer"),
      interaction: "cli",
    });
    expect(log.tools.map((t) => t.tool)).toEqual(["get_email_log"]);
    expect(log.text).not.toContain(sent?.recipient);
    expect(log.text).toMatch(/\b20\d\d-\d\d-\d\d/);
    const ops = await assistant.answer({
      message: `Find the person with the email ${email}`,
      caller: as("ops"),
      interaction: "cli",
    });
    expect(ops.text).toContain(email);
  });
});

describe("arthur ask", () => {
  it("answers on the command line and lists the tools it called as JSON", async () => {
    const run = await runArthur(
      ["ask", "who is still owed money for AB4001?", "--user", "U-cli", "--role", "finance", "--json"],
      cleanEnv({ DATABASE_URL: db.url }),
    );
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as { tools: { tool: string; arguments: Record<string, unknown> }[] };
    expect(out.tools).toEqual([
      expect.objectContaining({ tool: "get_artists_owed", arguments: { eid: "AB4001" } }),
    ]);
    const bad = await runArthur(
      ["ask", "hi", "--user", "U", "--role", "boss"],
      cleanEnv({ DATABASE_URL: db.url }),
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--role must be one of");
  });
});
