import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Assistant, InProcessToolPort } from "../../src/assistant/index.ts";
import type { Caller, Role } from "../../src/catalog/index.ts";
import { LocalEdgeFunctions } from "../../src/edge/index.ts";
import type { ToolService } from "../../src/gateway/index.ts";
import { testAssistant } from "../helpers/assistant.ts";
import { useTestDatabase } from "../helpers/db.ts";
import { type FakeLlm, type LlmWireFormat, type ModelScript, startFakeLlm } from "../helpers/fake-llm.ts";
import { startTestToolService } from "../helpers/gateway.ts";

const db = useTestDatabase();
let service: ToolService;
let fake: FakeLlm | undefined;

beforeAll(() => {
  service = startTestToolService(db, {
    env: { ENABLE_MUTATING_TOOLS: "true" },
    edge: new LocalEdgeFunctions(db.sql),
  });
});
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});
afterAll(() => service.close());

function as(role: Role, userId: string): Caller {
  return { userId, role, teamId: "T1", channelId: "C0LLM00001", sessionId: null, via: "internal" };
}

/** The assistant with a model behind a fake provider server that plays `script`. */
async function assistantWith(
  format: LlmWireFormat,
  script: ModelScript,
  settings: { timeoutMs?: number; toolResultChars?: number; compatible?: boolean } = {},
): Promise<Assistant> {
  fake = await startFakeLlm(format, script);
  return testAssistant(db, service, {
    llm: {
      provider: settings.compatible ? "openai-compatible" : format,
      model: `fake-${format}`,
      baseUrl: fake.baseUrl,
      apiKey: "test-key-not-secret",
      maxRounds: 5,
      timeoutMs: settings.timeoutMs ?? 20_000,
      toolResultChars: settings.toolResultChars ?? 6_000,
    },
  });
}

async function executions(
  userId: string,
): Promise<{ tool_name: string; ok: boolean; error_code: string | null }[]> {
  await service.audit.flush();
  return db.sql`
    select tool_name, error_code is null as ok, error_code from esbmcp_tool_executions
    where slack_user_id = ${userId} order by started_at`;
}

const requests = () => fake?.requests ?? [];

describe.each(["openai", "anthropic"] as const)("the LLM path over %s's wire format", (format) => {
  it("chains two tools across rounds: the id from the first result drives the second call", async () => {
    const [marco] = await db.sql<
      { id: string }[]
    >`select id from artist_profiles where name = 'Marco Delgado'`;
    const user = `U-chain-${format}`;
    const assistant = await assistantWith(format, (request, index) => {
      if (index === 0)
        return { toolCalls: [{ name: "lookup_artist_profile", args: { query: "Marco Delgado" } }] };
      if (index === 1) {
        const found = JSON.parse(request.toolResults[0]?.content ?? "{}") as { profiles?: { id: string }[] };
        return {
          toolCalls: [
            { name: "get_artist_stripe_status", args: { artist_profile_id: found.profiles?.[0]?.id } },
          ],
        };
      }
      return { text: "Marco's payout account: see above." };
    });
    const answer = await assistant.answer({
      message: "Does Marco Delgado have Stripe payouts enabled?",
      caller: as("finance", user),
      interaction: "cli",
    });
    // What the model was shown: a few retrieved tools, never the whole catalogue, and the rules.
    const first = requests()[0];
    expect(first?.tools).toEqual(
      expect.arrayContaining(["lookup_artist_profile", "get_artist_stripe_status"]),
    );
    expect(first?.tools.length).toBeLessThanOrEqual(10);
    expect(first?.system).toMatch(/untrusted/i);
    expect(answer.tools.map((t) => [t.tool, t.ok])).toEqual([
      ["lookup_artist_profile", true],
      ["get_artist_stripe_status", true],
    ]);
    expect(answer.tools[1]?.arguments).toEqual({ artist_profile_id: marco?.id });
    // The second result is what the question asked, and its own text answers it: no third model call.
    expect(requests()).toHaveLength(2);
    expect(answer).toMatchObject({ mode: "llm", model: `fake-${format}`, passthrough: true, rounds: 2 });
    expect(answer.text).toBe(answer.tools[1]?.text);
    expect(answer.usage).toMatchObject({ promptTokens: 200, completionTokens: 40 });
    expect((await executions(user)).map((e) => e.tool_name)).toEqual([
      "lookup_artist_profile",
      "get_artist_stripe_status",
    ]);
    const [session] = await db.sql`
      select ai_provider, ai_model, api_rounds, passthrough_mode, prompt_tokens, tool_call_count, status
      from esbmcp_chat_sessions where slack_user_id = ${user}`;
    expect(session).toEqual({
      ai_provider: format,
      ai_model: `fake-${format}`,
      api_rounds: 2,
      passthrough_mode: true,
      prompt_tokens: 200,
      tool_call_count: 2,
      status: "completed",
    });
  });

  it("a tool the role may not use is refused by the gateway and audited; the model is told it is unavailable", async () => {
    const user = `U-denied-${format}`;
    const assistant = await assistantWith(format, (_request, index) =>
      index === 0
        ? { toolCalls: [{ name: "get_artists_owed", args: { eid: "AB4001" } }] }
        : { text: "I cannot see payment data with your role." },
    );
    const answer = await assistant.answer({
      message: "How is AB4001 going?",
      caller: as("marketing", user),
      interaction: "cli",
    });
    expect(requests()[0]?.tools).not.toContain("get_artists_owed");
    expect(requests()[1]?.toolResults[0]?.content).toMatch(/unavailable tool/i);
    expect(answer.denied?.tool).toBe("get_artists_owed");
    expect(answer.denied?.reason).toMatch(/finance/);
    expect(answer.tools).toEqual([expect.objectContaining({ tool: "get_artists_owed", ok: false })]);
    expect(answer.text).toBe("I cannot see payment data with your role.");
    expect(await executions(user)).toEqual([
      { tool_name: "get_artists_owed", ok: false, error_code: "FORBIDDEN" },
    ]);
  });

  it("an approval-required write becomes a pending approval, not a change; the requester's approval runs it once", async () => {
    const user = `U-pay-${format}`;
    // An artist owed money for AB4001 (as the money module says) whose payout account is ready.
    const owed = await new InProcessToolPort(service.gateway).call({
      caller: as("finance", `${user}-setup`),
      requestId: crypto.randomUUID(),
      callCounts: new Map(),
      tool: "get_artists_owed",
      args: { eid: "AB4001" },
    });
    const balances = owed.ok
      ? (owed.result as { balances: { artist_profile_id: string; owed: string }[] }).balances
      : [];
    const [artist] = await db.sql<{ id: string; name: string }[]>`
      select ap.id, ap.name from artist_profiles ap
      join artist_global_payments g on g.artist_profile_id = ap.id and g.status = 'ready'
      where ap.id = any(${balances.filter((b) => Number(b.owed) >= 1).map((b) => b.artist_profile_id)}::uuid[])
      order by ap.name limit 1`;
    if (!artist) throw new Error("the AB4001 scenario has an owed artist with a ready payout account");
    const args = { eid: "AB4001", artist_profile_id: artist.id, amount: 1, currency: "CAD" };
    const assistant = await assistantWith(format, () => ({
      toolCalls: [{ name: "process_artist_payment", args }],
    }));
    const payments = async () =>
      (
        await db.sql<{ n: number }[]>`
          select count(*)::int as n from artist_payments where artist_profile_id = ${artist.id}`
      )[0]?.n;
    const before = await payments();
    const answer = await assistant.answer({
      message: `Pay ${artist.name} $1 CAD for AB4001`,
      caller: as("finance", user),
      interaction: "cli",
    });
    expect(answer.pendingApprovals).toEqual([
      expect.objectContaining({ tool: "process_artist_payment", arguments: args }),
    ]);
    // Waiting for the requester is final for this question: the model is not asked again.
    expect(requests()).toHaveLength(1);
    expect(answer.text).toMatch(/needs your approval/);
    expect(await payments()).toBe(before);
    const approvalId = answer.pendingApprovals[0]?.approvalId as string;

    const stranger = await assistant.settleApproval({
      approvalId,
      action: "confirm",
      caller: as("finance", `${user}-other`),
      interaction: "cli",
    });
    expect(stranger.text).toMatch(/Only the person who asked/);
    const approved = await assistant.settleApproval({
      approvalId,
      action: "confirm",
      caller: as("finance", user),
      interaction: "cli",
    });
    expect(approved.tools[0]?.error).toBeUndefined();
    expect(approved.tools).toEqual([expect.objectContaining({ tool: "process_artist_payment", ok: true })]);
    expect(await payments()).toBe((before ?? 0) + 1);
    const again = await assistant.settleApproval({
      approvalId,
      action: "confirm",
      caller: as("finance", user),
      interaction: "cli",
    });
    expect(again.text).toMatch(/already been used/);
    expect(await payments()).toBe((before ?? 0) + 1);
  });

  it("a provider that does not answer in time: the question is answered without the model, saying so", async () => {
    const user = `U-timeout-${format}`;
    const assistant = await assistantWith(format, () => ({ delayMs: 10_000, text: "too late" }), {
      timeoutMs: 400,
    });
    const started = performance.now();
    const answer = await assistant.answer({
      message: "who is still owed money for AB4001?",
      caller: as("finance", user),
      interaction: "cli",
    });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(answer.modelError).toMatch(/did not answer within 0.4 s/);
    expect(answer.text).toMatch(/language model is unavailable/);
    // The offline planner's answer follows: the owed artists of that event.
    expect(answer.tools.map((t) => [t.tool, t.arguments])).toEqual([["get_artists_owed", { eid: "AB4001" }]]);
    const [session] = await db.sql`
      select status, error_message, ai_provider from esbmcp_chat_sessions where slack_user_id = ${user}`;
    expect(session).toMatchObject({ status: "completed", ai_provider: "offline" });
    expect(session?.error_message).toMatch(/did not answer/);
  });

  it("a provider error (HTTP 500) is answered gracefully too", async () => {
    const assistant = await assistantWith(format, () => ({
      error: { status: 500, message: "upstream exploded" },
    }));
    const answer = await assistant.answer({
      message: "who is still owed money for AB4001?",
      caller: as("finance", `U-500-${format}`),
      interaction: "cli",
    });
    expect(answer.modelError).toMatch(/language model failed/);
    expect(answer.tools.map((t) => t.tool)).toEqual(["get_artists_owed"]);
  });
});

describe("the LLM path, further", () => {
  it("an OpenAI-compatible server (Ollama, vLLM) is spoken to the same way", async () => {
    const assistant = await assistantWith(
      "openai",
      () => ({ toolCalls: [{ name: "get_artists_owed", args: { eid: "AB4001" } }] }),
      { compatible: true },
    );
    const answer = await assistant.answer({
      message: "who is still owed money for AB4001?",
      caller: as("finance", "U-compatible"),
      interaction: "cli",
    });
    expect(requests()[0]?.path).toBe("/v1/chat/completions");
    expect(answer).toMatchObject({ mode: "llm", provider: "openai-compatible", passthrough: true });
    expect(answer.tools.map((t) => [t.tool, t.arguments])).toEqual([["get_artists_owed", { eid: "AB4001" }]]);
    expect(answer.text).toBe(answer.tools[0]?.text);
  });

  it("a tool's per-question call limit holds across the model's calls: the extra call is refused", async () => {
    const assistant = await assistantWith("anthropic", (_request, index) =>
      index === 0
        ? {
            toolCalls: [
              { name: "get_email_log", args: { limit: 1 } },
              { name: "get_email_log", args: { limit: 2 } },
            ],
          }
        : index === 1
          ? { toolCalls: [{ name: "get_email_log", args: { limit: 3 } }] }
          : { text: "Here are the latest e-mails." },
    );
    const answer = await assistant.answer({
      message: "list the e-mails sent lately",
      caller: as("ops", "U-limit"),
      interaction: "cli",
    });
    const limit = service.gateway.registry.require("get_email_log").policy.maxCallsPerRequest;
    expect(limit).toBe(2);
    expect(answer.tools.map((t) => [t.ok, t.error?.code ?? null])).toEqual([
      [true, null],
      [true, null],
      [false, "RATE_LIMITED"],
    ]);
    expect(requests()[2]?.toolResults.at(-1)?.content).toContain("at most 2 time(s) per request");
    expect(answer.text).toBe("Here are the latest e-mails.");
  });

  it("a request that plainly needs a tool the role may not use is refused before any model call", async () => {
    const assistant = await assistantWith("openai", () => ({ text: "should not be asked" }));
    const answer = await assistant.answer({
      message: "Please pay Lena Okafor $450 CAD for her sale at AB4011.",
      caller: as("event-producer", "U-ep-llm"),
      interaction: "cli",
    });
    expect(requests()).toHaveLength(0);
    expect(answer.denied?.tool).toBe("process_artist_payment");
    expect(answer.text).toMatch(/finance/);
  });
});

describe("what the model reads", () => {
  it("a viewer's tool results reach the model without e-mails or phone numbers, dates intact, and so does the answer", async () => {
    const [person] = await db.sql<{ name: string; email: string; phone: string }[]>`
      select trim(first_name || ' ' || last_name) as name, email, phone from people
      where email is not null and phone is not null and length(regexp_replace(phone, '\\D', '', 'g')) >= 7
        and first_name is not null and last_name is not null
      order by id limit 1`;
    if (!person) throw new Error("the demo has people with names, e-mails and phones");
    const recent = await db.sql<{ recipient: string; day: string }[]>`
      select recipient, to_char(sent_at, 'YYYY-MM-DD') as day from email_logs
      where recipient like '%@%' and sent_at is not null order by sent_at desc, id desc limit 5`;
    expect(recent.length).toBeGreaterThan(0);
    // A careless model that repeats everything it was given.
    const assistant = await assistantWith("openai", (request, index) =>
      index === 0
        ? {
            toolCalls: [
              { name: "get_email_log", args: { limit: 5 } },
              { name: "lookup_person", args: { query: person.name } },
            ],
          }
        : { text: request.toolResults.map((r) => r.content).join("\n") },
    );
    const answer = await assistant.answer({
      message: `Which e-mails went out most recently, and who is ${person.name}?`,
      caller: as("viewer", "U-pii-viewer"),
      interaction: "cli",
    });
    expect(answer.tools.map((t) => [t.tool, t.ok])).toEqual([
      ["get_email_log", true],
      ["lookup_person", true],
    ]);
    expect(requests()).toHaveLength(2);
    const sent = requests()
      .map((r) => r.raw)
      .join("\n");
    const secrets = [person.email, ...recent.map((r) => r.recipient)];
    for (const secret of secrets) {
      expect(sent).not.toContain(secret);
      expect(answer.text).not.toContain(secret);
    }
    const phoneDigits = person.phone.replace(/\D/g, "").slice(-7);
    expect(sent.replace(/\D/g, "")).not.toContain(phoneDigits);
    expect(answer.text.replace(/\D/g, "")).not.toContain(phoneDigits);
    // Masked, not dropped: the model still sees that there is an address, and when mail was sent.
    expect(requests()[1]?.toolResults[0]?.content).toMatch(/\*\*\*@/);
    for (const { day } of recent) expect(requests()[1]?.toolResults[0]?.content).toContain(day);
    expect(answer.text).toContain(recent[0]?.day);
    // The session says how much was masked on the way, by kind.
    const [session] = await db.sql<{ rules: { rule: string; count: number }[] }[]>`
      select redaction_rules_applied as rules from esbmcp_chat_sessions where slack_user_id = 'U-pii-viewer'`;
    const count = (rule: string) => session?.rules.find((r) => r.rule === rule)?.count ?? 0;
    expect(count("email")).toBeGreaterThanOrEqual(recent.length + 1);
    expect(count("phone")).toBeGreaterThanOrEqual(1);
  });

  it("long tool results are cut to the budget, with a count of what was left out", async () => {
    const total = (await db.sql<{ n: number }[]>`select count(*)::int as n from email_logs`)[0]?.n ?? 0;
    expect(total).toBeGreaterThan(30);
    const assistant = await assistantWith(
      "anthropic",
      (_request, index) =>
        index === 0
          ? { toolCalls: [{ name: "get_email_log", args: { limit: 50 } }] }
          : { text: "Summarised." },
      { toolResultChars: 1_500 },
    );
    const answer = await assistant.answer({
      message: "list the e-mails sent lately",
      caller: as("ops", "U-budget"),
      interaction: "cli",
    });
    const full = JSON.stringify(answer.tools[0]?.result);
    const seen = requests()[1]?.toolResults[0]?.content ?? "";
    expect(full.length).toBeGreaterThan(1_500);
    expect(seen.length).toBeLessThanOrEqual(1_500);
    expect(seen).toMatch(/\d+ more not shown/);
    expect(answer.text).toBe("Summarised.");
  });
});
