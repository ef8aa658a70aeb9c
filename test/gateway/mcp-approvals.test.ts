import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { createToken } from "../../src/gateway/index.ts";
import { useTestDatabase } from "../helpers/db.ts";
import { connectMcp, useGateway } from "../helpers/gateway.ts";

const db = useTestDatabase();
const gateway = useGateway(db, { ENABLE_MUTATING_TOOLS: "true" });
const clients: Client[] = [];

async function connect(token: string): Promise<Client> {
  const client = await connectMcp(gateway.url, token);
  clients.push(client);
  return client;
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

const errorOf = (result: CallToolResult) =>
  (
    result.structuredContent as {
      error: { code: string; message: string; details: { approval_id?: string } | null };
    }
  ).error;

describe("approvals over MCP", () => {
  it("a write answers APPROVAL_REQUIRED with how to confirm; repeating it with the id in _meta runs it once", async () => {
    const [artist] = await db.sql<{ id: string; name: string }[]>`
      select id, name from artist_profiles where superseded_by is null order by entry_id limit 1`;
    const call = {
      name: "update_artist_name",
      arguments: { artist_profile_id: artist?.id, new_name: "Renée Ortiz" },
    };
    const client = await connect(await gateway.token("ops"));
    const { tools } = await client.listTools();
    expect(tools.find((t) => t.name === "update_artist_name")?.annotations).toMatchObject({
      destructiveHint: true,
    });

    const asked = (await client.callTool(call)) as CallToolResult;
    expect(asked.isError).toBe(true);
    const { code, details } = errorOf(asked);
    expect(code).toBe("APPROVAL_REQUIRED");
    const approvalId = details?.approval_id ?? "";
    expect((asked.content[0] as { text: string }).text).toContain(`"arthur/approval_id": "${approvalId}"`);
    const [unchanged] = await db.sql<
      { name: string }[]
    >`select name from artist_profiles where id = ${artist?.id ?? null}`;
    expect(unchanged?.name).toBe(artist?.name);

    // Someone else holding the id cannot use it.
    const other = await createToken(db.sql, { userId: "U-someone-else", role: "ops", label: "test" });
    const stranger = (await (
      await connect(other.token)
    ).callTool({
      ...call,
      _meta: { "arthur/approval_id": approvalId },
    })) as CallToolResult;
    expect(errorOf(stranger).code).toBe("FORBIDDEN");

    const done = (await client.callTool({
      ...call,
      _meta: { "arthur/approval_id": approvalId },
    })) as CallToolResult;
    expect(done.isError).toBeFalsy();
    expect(done.structuredContent).toMatchObject({
      previous: artist?.name,
      current: "Renée Ortiz",
      changed: true,
    });
    const again = (await client.callTool({
      ...call,
      _meta: { "arthur/approval_id": approvalId },
    })) as CallToolResult;
    expect(errorOf(again).code).toBe("APPROVAL_REQUIRED");
    const logs = await db.sql<{ n: number }[]>`
      select count(*)::int as n from system_logs where operation = 'update_artist_name'
        and request_data->>'artist_profile_id' = ${artist?.id ?? null}`;
    expect(logs[0]?.n).toBe(1);
  });
});
