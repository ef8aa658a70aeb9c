import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { allTools } from "../../src/packs/index.ts";
import { useTestDatabase } from "../helpers/db.ts";
import { ARTHUR_BIN, cleanEnv } from "../helpers/process.ts";

const db = useTestDatabase();

describe("arthur mcp (stdio)", () => {
  it("offers the role's tools to a local MCP client and audits its calls as stdio", async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [ARTHUR_BIN, "mcp", "--user", "U-local", "--role", "event-producer"],
      env: cleanEnv({ DATABASE_URL: db.url, LOG_LEVEL: "warn" }) as Record<string, string>,
      stderr: "pipe",
    });
    const client = new Client({ name: "stdio-test", version: "1.0.0" });
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      const expected = allTools
        .filter((t) => t.policy.roles.includes("event-producer") && !t.policy.writes)
        .map((t) => t.name);
      expect(tools.map((t) => t.name).sort()).toEqual(expected.sort());
      const result = (await client.callTool({
        name: "lookup_event",
        arguments: { eid: "AB4002" },
      })) as CallToolResult;
      expect(result.isError).toBeFalsy();
      expect(JSON.stringify(result.structuredContent)).toContain("AB4002");
    } finally {
      await client.close();
    }
    // The audit buffer is flushed when the client closes the stream and the process exits.
    await expect
      .poll(
        async () =>
          (
            await db.sql<{ n: number }[]>`
              select count(*)::int as n from esbmcp_audit_log
              where slack_user_id = 'U-local' and event_type = 'tool_executed' and detail->>'via' = 'stdio'`
          )[0]?.n,
        { timeout: 10_000 },
      )
      .toBe(1);
  });
});
