import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { type AnyTool, type Caller, defineTool, eid, type Role, ToolError } from "../../src/catalog/index.ts";
import { loadConfig } from "../../src/config/index.ts";
import { startToolService, type ToolService } from "../../src/gateway/index.ts";
import { createLogger } from "../../src/observability/index.ts";
import { useTestDatabase } from "../helpers/db.ts";

const db = useTestDatabase();

const sneakyWrite = defineTool({
  name: "sneaky_write",
  domain: "platform-db-edge",
  title: "A read tool that tries to write",
  description: "Declared read-only, but its handler inserts a row.",
  input: z.object({}),
  policy: { roles: ["ops"], risk: "low", maxCallsPerRequest: 5 },
  handler: async (_args, ctx) =>
    ctx.sql`insert into esbmcp_bug_reports (title, description) values ('x', 'y')`,
  format: () => "",
});
const slow = defineTool({
  name: "slow_read",
  domain: "data-read",
  title: "Slow",
  description: "Sleeps longer than the statement timeout.",
  input: z.object({}),
  policy: { roles: ["ops"], risk: "low", maxCallsPerRequest: 5 },
  handler: async (_args, ctx) => ctx.sql`select pg_sleep(2)`,
  format: () => "",
});
const bidders = defineTool({
  name: "bidders",
  domain: "data-read",
  title: "Bidders of an event",
  description: "Every bidder with contact details.",
  input: z.object({ eid: eid() }),
  pii: { email: "email", phone: "phone" },
  policy: { roles: ["ops", "viewer"], risk: "low", maxCallsPerRequest: 5, passthrough: true },
  handler: async (args, ctx) => ({
    bidders: await ctx.sql<{ email: string | null; phone: string | null }[]>`
      select distinct p.email, p.phone from bids b join art a on a.id = b.art_id join events e on e.id = a.event_id
      join people p on p.id = b.person_id where e.eid = ${args.eid} and p.email is not null
      order by p.email limit ${ctx.rowCap + 1}`,
  }),
  format: (r) => r.bidders.map((b) => `${b.email} ${b.phone ?? ""}`).join("\n"),
});
const pay = defineTool({
  name: "pay_artist",
  domain: "payments",
  title: "Pay",
  description: "Moves money.",
  input: z.object({ amount: z.number().positive() }),
  policy: { roles: ["finance"], risk: "low", writes: true, requiresApproval: true, maxCallsPerRequest: 1 },
  handler: async () => ({}),
  format: () => "",
});

let service: ToolService;
beforeAll(() => {
  service = startToolService({
    sql: db.sql,
    databaseUrl: db.url,
    config: loadConfig(
      { TOOL_TIMEOUT_MS: "300", TOOL_ROW_CAP: "3", LOG_LEVEL: "silent" },
      { dotEnvPath: null },
    ),
    logger: createLogger("silent"),
    tools: [sneakyWrite, slow, bidders, pay] as AnyTool[],
    version: "test",
  });
});
afterAll(() => service.close());

function as(role: Role): Caller {
  return { userId: `U-${role}`, role, teamId: null, channelId: null, sessionId: null, via: "token" };
}

async function failure(role: Role, toolName: string, args: unknown): Promise<ToolError> {
  const error = await service.gateway
    .call({ caller: as(role), toolName, arguments: args, requestId: randomUUID(), ipAddress: null })
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ToolError);
  return error as ToolError;
}

describe("gateway pipeline", () => {
  it("runs read tools where writing is impossible, and records the SQL error for us, not the caller", async () => {
    const error = await failure("ops", "sneaky_write", {});
    expect(error.code).toBe("INTERNAL");
    expect(error.message).not.toContain("insert");
    await service.audit.flush();
    const [row] = await db.sql<{ error_code: string; sql_query_preview: string; execution_id: string }[]>`
      select error_code, sql_query_preview, execution_id from esbmcp_tool_errors where tool_name = 'sneaky_write'`;
    expect(row?.error_code).toBe("25006"); // read_only_sql_transaction
    expect(row?.sql_query_preview).toContain("insert into esbmcp_bug_reports");
    const [execution] = await db.sql<{ ok: boolean }[]>`
      select ok from esbmcp_tool_executions where id = ${row?.execution_id ?? randomUUID()}`;
    expect(execution?.ok).toBe(false);
    const [bugs] = await db.sql<{ n: number }[]>`select count(*)::int as n from esbmcp_bug_reports`;
    expect(bugs?.n).toBe(0);
  });

  it("stops a call at the statement timeout with TIMEOUT", async () => {
    const error = await failure("ops", "slow_read", {});
    expect(error.code).toBe("TIMEOUT");
    expect(error.status).toBe(504);
  });

  it("masks declared PII for non-ops roles in the result and its text, and caps lists", async () => {
    const call = (role: Role) =>
      service.gateway.call({
        caller: as(role),
        toolName: "bidders",
        arguments: { eid: "ab4002" },
        requestId: randomUUID(),
        ipAddress: null,
      });
    const ops = await call("ops");
    const viewer = await call("viewer");
    const opsRows = (ops.result as { bidders: { email: string }[] }).bidders;
    const viewerRows = (viewer.result as { bidders: { email: string }[] }).bidders;
    expect(opsRows).toHaveLength(3);
    expect(ops.truncated).toBe(true);
    expect(opsRows[0]?.email).toMatch(/^[^*]+@example\.(com|net|org)$/);
    expect(viewerRows[0]?.email).toBe(`${opsRows[0]?.email[0]}***@${opsRows[0]?.email.split("@")[1]}`);
    expect(viewer.text).not.toContain(opsRows[0]?.email);
  });

  it("refuses a write while writes are disabled, and audits the block", async () => {
    const blocked = await failure("finance", "pay_artist", { amount: 10 });
    expect(blocked.code).toBe("WRITES_DISABLED");
    await service.audit.flush();
    const [row] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from esbmcp_audit_log where event_type = 'mutating_tool_blocked' and tool_name = 'pay_artist'`;
    expect(row?.n).toBe(1);
  });
});

describe("gateway pipeline with writes enabled", () => {
  let writable: ToolService;
  beforeAll(() => {
    writable = startToolService({
      sql: db.sql,
      databaseUrl: db.url,
      config: loadConfig({ ENABLE_MUTATING_TOOLS: "true", LOG_LEVEL: "silent" }, { dotEnvPath: null }),
      logger: createLogger("silent"),
      tools: [pay] as AnyTool[],
      version: "test",
    });
  });
  afterAll(() => writable.close());

  const callPay = (role: Role, amount: number, approvalId?: string, userId?: string) =>
    writable.gateway.call({
      caller: { ...as(role), ...(userId ? { userId } : {}) },
      toolName: "pay_artist",
      arguments: { amount },
      requestId: randomUUID(),
      ipAddress: null,
      ...(approvalId ? { approvalId } : {}),
    });

  it("never runs an approval-gated tool unconfirmed; runs it once after the requester confirms", async () => {
    const first = await callPay("finance", 10).catch((e: unknown) => e as ToolError);
    expect(first).toMatchObject({ code: "APPROVAL_REQUIRED" });
    const approvalId = ((first as ToolError).details as { approval_id: string }).approval_id;
    await writable.audit.flush();
    const executions = async () =>
      (
        await db.sql<
          { n: number }[]
        >`select count(*)::int as n from esbmcp_tool_executions where tool_name = 'pay_artist' and ok`
      )[0]?.n;
    expect(await executions()).toBe(0);

    // Not yet confirmed, then confirmed by someone else: refused.
    await expect(callPay("finance", 10, approvalId)).rejects.toMatchObject({ code: "APPROVAL_REQUIRED" });
    await expect(
      writable.gateway.confirm(approvalId, { ...as("finance"), userId: "U-other" }),
    ).rejects.toMatchObject({
      code: "FORBIDDEN",
    });

    await writable.gateway.confirm(approvalId, as("finance"));
    // Bound to the arguments: a different amount cannot use it.
    await expect(callPay("finance", 99, approvalId)).rejects.toThrow("arguments differ");
    await callPay("finance", 10, approvalId);
    // Single use.
    await expect(callPay("finance", 10, approvalId)).rejects.toThrow("already been used");
    await writable.audit.flush();
    expect(await executions()).toBe(1);
    // Each refused attempt is on record too, with the reason.
    const refused = await db.sql<{ error_code: string }[]>`
      select error_code from esbmcp_tool_executions
      where tool_name = 'pay_artist' and not ok and user_role = 'finance' and error_code <> 'WRITES_DISABLED'`;
    expect(refused.map((r) => r.error_code)).toEqual(Array(4).fill("APPROVAL_REQUIRED"));
    const [used] = await db.sql<
      { used: boolean }[]
    >`select used_at is not null as used from arthur_approvals where id = ${approvalId}`;
    expect(used?.used).toBe(true);
  });
});

describe("gateway shutdown", () => {
  it("finishes calls in flight and writes their audit rows before closing", async () => {
    const closing = startToolService({
      sql: db.sql,
      databaseUrl: db.url,
      config: loadConfig({ LOG_LEVEL: "silent" }, { dotEnvPath: null }),
      logger: createLogger("silent"),
      tools: [bidders] as AnyTool[],
      version: "test",
    });
    const requestId = randomUUID();
    const calls = Array.from({ length: 40 }, () =>
      closing.gateway.call({
        caller: as("ops"),
        toolName: "bidders",
        arguments: { eid: "AB4002" },
        requestId,
        ipAddress: null,
      }),
    );
    // Close while the calls are still running: they complete, and nothing buffered is lost.
    const closed = closing.close();
    const results = await Promise.allSettled(calls);
    await closed;
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(40);
    const [row] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from esbmcp_tool_executions where request_id = ${requestId} and ok`;
    expect(row?.n).toBe(40);
  });
});
