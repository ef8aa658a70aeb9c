import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import type { Role } from "../../src/catalog/index.ts";
import { allTools } from "../../src/packs/index.ts";
import { useTestDatabase } from "../helpers/db.ts";
import { useGateway } from "../helpers/gateway.ts";

const db = useTestDatabase();
const gateway = useGateway(db);
const clients: Client[] = [];

async function connect(role: Role): Promise<Client> {
  const token = await gateway.token(role);
  const client = new Client({ name: "arthur-test", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${gateway.url}/mcp`), {
      requestInit: { headers: { Authorization: `Bearer ${token}` } },
    }),
  );
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
