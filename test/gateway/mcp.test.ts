import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import type { Role } from "../../src/catalog/index.ts";
import { allTools } from "../../src/packs/index.ts";
import { useTestDatabase } from "../helpers/db.ts";
import { connectMcp, type TestGateway, useGateway } from "../helpers/gateway.ts";

const db = useTestDatabase();
const gateway = useGateway(db);
const clients: Client[] = [];

async function connect(role: Role): Promise<Client> {
  const client = await connectMcp(gateway.url, await gateway.token(role));
  clients.push(client);
  return client;
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

function structured(result: unknown): Record<string, unknown> {
  return (result as CallToolResult).structuredContent as Record<string, unknown>;
}

describe("MCP over Streamable HTTP", () => {
  it("lists exactly the tools a viewer may call, and runs lookup_event for ab4001", async () => {
    const client = await connect("viewer");
    const { tools } = await client.listTools();
    const expected = allTools
      .filter((t) => t.policy.roles.includes("viewer") && !t.policy.writes)
      .map((t) => t.name);
    expect(tools.map((t) => t.name).sort()).toEqual(expected.sort());
    expect(tools.find((t) => t.name === "lookup_event")?.inputSchema.properties).toHaveProperty("eid");

    const result = (await client.callTool({
      name: "lookup_event",
      arguments: { eid: "ab4001" },
    })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    const [event] = await db.sql<{ name: string }[]>`select name from events where eid = 'AB4001'`;
    expect(JSON.stringify(structured(result))).toContain(event?.name ?? "?");
  });

  it("hides tools a role may not call and refuses them with FORBIDDEN, recording the denial", async () => {
    const client = await connect("marketing");
    // get_vote_data is for ops, producers and viewers (original-system.md §1.2), not marketing.
    const forbidden = allTools.find((t) => t.name === "get_vote_data");
    if (!forbidden || forbidden.policy.roles.includes("marketing")) throw new Error("unexpected policy");
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).not.toContain(forbidden.name);

    const result = (await client.callTool({
      name: forbidden.name,
      arguments: { eid: "AB4001" },
    })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(structured(result)).toMatchObject({ error: { code: "FORBIDDEN" } });
    await gateway.service.audit.flush();
    const denials = await db.sql<{ n: number }[]>`
      select count(*)::int as n from esbmcp_audit_log
      where event_type = 'role_denied' and tool_name = ${forbidden.name} and user_role = 'marketing'`;
    expect(denials[0]?.n).toBe(1);
  });

  it("names the field when arguments are invalid, and suggests names for an unknown tool", async () => {
    const client = await connect("ops");
    const bad = (await client.callTool({
      name: "lookup_event",
      arguments: { eid: "4001" },
    })) as CallToolResult;
    expect(bad.isError).toBe(true);
    expect(structured(bad)).toMatchObject({ error: { code: "INVALID_ARGUMENT" } });
    expect((bad.content[0] as { text: string }).text).toContain("eid:");

    const unknown = (await client.callTool({ name: "lookup_evnt", arguments: {} })) as CallToolResult;
    expect(structured(unknown)).toMatchObject({ error: { code: "UNKNOWN_TOOL" } });
    expect((unknown.content[0] as { text: string }).text).toContain("lookup_event");
  });

  it("answers 401 without a valid token, and 405 to the session endpoints of stateless MCP", async () => {
    const none = await fetch(`${gateway.url}/mcp`, { method: "POST", body: "{}" });
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toContain("Bearer");
    const wrong = await fetch(`${gateway.url}/mcp`, {
      method: "POST",
      headers: { Authorization: "Bearer arthur_pat_not-a-real-token" },
      body: "{}",
    });
    expect(wrong.status).toBe(401);
    const get = await fetch(`${gateway.url}/mcp`, {
      headers: { Authorization: `Bearer ${await gateway.token("ops")}` },
    });
    expect(get.status).toBe(405);
  });

  it("writes exactly one execution row per call, also under concurrent load and for refused calls", async () => {
    const ops = await connect("ops");
    const marketing = await connect("marketing");
    const startedAt = new Date();
    await gateway.service.audit.flush();
    const [before] = await db.sql<{ n: number }[]>`select count(*)::int as n from esbmcp_tool_executions`;
    const good = 150;
    const calls = [
      ...Array.from({ length: good }, () =>
        ops.callTool({ name: "get_eventbrite_mapping", arguments: { eid: "AB4124" } }),
      ),
      ...Array.from({ length: 10 }, () =>
        ops.callTool({ name: "get_eventbrite_mapping", arguments: { eid: "nope" } }),
      ),
      ...Array.from({ length: 10 }, () =>
        marketing.callTool({ name: "get_vote_data", arguments: { eid: "AB4120" } }),
      ),
      ...Array.from({ length: 5 }, () => ops.callTool({ name: "no_such_tool", arguments: {} })),
    ];
    const results = (await Promise.all(calls)) as CallToolResult[];
    expect(results.filter((r) => r.isError).length).toBe(25);
    await gateway.service.audit.flush();
    const [after] = await db.sql<{ n: number; distinct_ids: number }[]>`
      select count(*)::int as n, count(distinct id)::int as distinct_ids from esbmcp_tool_executions`;
    expect((after?.n ?? 0) - (before?.n ?? 0)).toBe(calls.length);
    expect(after?.distinct_ids).toBe(after?.n);
    const codes = await db.sql<{ error_code: string | null; n: number }[]>`
      select error_code, count(*)::int as n from esbmcp_tool_executions
      where completed_at >= ${startedAt} group by error_code order by error_code nulls first`;
    expect(codes).toEqual(
      expect.arrayContaining([
        { error_code: null, n: expect.any(Number) },
        { error_code: "FORBIDDEN", n: 10 },
        { error_code: "INVALID_ARGUMENT", n: expect.any(Number) },
        { error_code: "UNKNOWN_TOOL", n: 5 },
      ]),
    );
  });

  it("serves Prometheus metrics to ops only", async () => {
    const ops = await fetch(`${gateway.url}/metrics`, {
      headers: { Authorization: `Bearer ${await gateway.token("ops")}` },
    });
    expect(ops.status).toBe(200);
    expect(await ops.text()).toContain("arthur_tool_calls_total");
    const viewer = await fetch(`${gateway.url}/metrics`, {
      headers: { Authorization: `Bearer ${await gateway.token("viewer")}` },
    });
    expect(viewer.status).toBe(403);
  });
});

/** A raw Streamable HTTP POST, for what the SDK client never sends. */
async function post(
  token: string,
  body: unknown,
  headers: Record<string, string> = {},
  target: TestGateway = gateway,
) {
  const response = await fetch(`${target.url}/mcp`, {
    method: "POST",
    headers: {
      Authorization: `Bearer ${token}`,
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      ...headers,
    },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null };
}

const call = (id: number | string, name: string, args: Record<string, unknown>) => ({
  jsonrpc: "2.0",
  id,
  method: "tools/call",
  params: { name, arguments: args },
});

describe("MCP over Streamable HTTP: the wire", () => {
  it("answers each caller under its own JSON-RPC id, also when concurrent callers reuse ids", async () => {
    const [ops, marketing] = await Promise.all([gateway.token("ops"), gateway.token("marketing")]);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        post(i % 2 ? marketing : ops, call(7, "get_vote_data", { eid: "AB4120" })),
      ),
    );
    answers.forEach((answer, i) => {
      expect(answer.status).toBe(200);
      const body = answer.body as { id: number; result: CallToolResult };
      expect(body.id).toBe(7);
      // get_vote_data is not for marketing: odd (marketing) calls are refused, even (ops) ones run.
      expect(body.result.isError ?? false).toBe(i % 2 === 1);
    });
  });

  it("answers a batch in order with the client's ids, and a notification with 202", async () => {
    const token = await gateway.token("viewer");
    const batch = await post(token, [
      call("a", "lookup_event", { eid: "AB4001" }),
      { jsonrpc: "2.0", id: "b", method: "tools/list" },
    ]);
    expect(batch.status).toBe(200);
    const [first, second] = batch.body as [
      { id: string; result: CallToolResult },
      { id: string; result: { tools: unknown[] } },
    ];
    expect(first.id).toBe("a");
    expect((first.result.structuredContent as { event: { eid: string } }).event.eid).toBe("AB4001");
    expect(second.id).toBe("b");
    expect(second.result.tools.length).toBeGreaterThan(0);

    const note = await post(token, { jsonrpc: "2.0", method: "notifications/initialized" });
    expect(note).toEqual({ status: 202, body: null });
  });

  it("rejects what is not MCP with the status codes of the Streamable HTTP transport", async () => {
    const token = await gateway.token("viewer");
    const lookup = call(1, "lookup_event", { eid: "AB4001" });
    expect((await post(token, lookup, { accept: "application/json" })).status).toBe(406);
    expect((await post(token, lookup, { "content-type": "text/plain" })).status).toBe(415);
    expect(await post(token, "{not json")).toMatchObject({ status: 400, body: { error: { code: -32700 } } });
    const huge = { ...lookup, params: { ...lookup.params, arguments: { eid: "x".repeat(1024 * 1024) } } };
    expect((await post(token, huge)).status).toBe(413);
    expect(await post(token, { id: 1, method: "tools/list" })).toMatchObject({
      status: 400,
      body: { error: { code: -32600 } },
    });
    const version = await post(token, lookup, { "mcp-protocol-version": "1999-01-01" });
    expect(version.status).toBe(400);
    expect(JSON.stringify(version.body)).toContain("Unsupported protocol version");
    const unknown = await post(token, { jsonrpc: "2.0", id: 3, method: "no/such/method" });
    expect(unknown).toMatchObject({ status: 200, body: { id: 3, error: { code: -32601 } } });
  });
});

/** A deployment whose policy file keeps revenue figures to finance (config/tools.yaml). */
const policyDir = mkdtempSync(join(tmpdir(), "arthur-policy-"));
writeFileSync(join(policyDir, "tools.yaml"), "tools:\n  get_auction_revenue:\n    roles: [finance]\n");
const financeOnly = useGateway(db, { TOOLS_POLICY_FILE: join(policyDir, "tools.yaml") });

describe("MCP with a deployment policy file", () => {
  it("refuses a viewer a finance-only tool with FORBIDDEN, audits the denial, and lets finance call it", async () => {
    const args = { eid: "AB4001", group_by: "artist" };
    const viewer = await post(
      await financeOnly.token("viewer"),
      call(1, "get_auction_revenue", args),
      {},
      financeOnly,
    );
    const refused = (viewer.body as { result: CallToolResult }).result;
    expect(refused.isError).toBe(true);
    expect(refused.structuredContent).toMatchObject({ error: { code: "FORBIDDEN" } });
    await financeOnly.service.audit.flush();
    const denials = await db.sql<{ n: number }[]>`
      select count(*)::int as n from esbmcp_audit_log
      where event_type = 'role_denied' and tool_name = 'get_auction_revenue' and user_role = 'viewer'`;
    expect(denials[0]?.n).toBe(1);

    const finance = await post(
      await financeOnly.token("finance"),
      call(2, "get_auction_revenue", args),
      {},
      financeOnly,
    );
    expect((finance.body as { result: CallToolResult }).result.isError ?? false).toBe(false);
  });
});
