import { describe, expect, it } from "vitest";
import { Assistant, InternalToolPort, TOOL_HINTS, ToolIndex } from "../../src/assistant/index.ts";
import type { Caller, Role } from "../../src/catalog/index.ts";
import { InternalGatewayClient } from "../../src/gateway/index.ts";
import { useTestDatabase } from "../helpers/db.ts";
import { INTERNAL_SECRETS, useGateway } from "../helpers/gateway.ts";

const db = useTestDatabase();
const gateway = useGateway(db, { ENABLE_MUTATING_TOOLS: "true" });

function as(role: Role, userId: string): Caller {
  return { userId, role, teamId: "T1", channelId: "C0PORT0001", sessionId: null, via: "internal" };
}

/** The assistant as a separate process sees the gateway: over its signed internal endpoint. */
function remoteAssistant(): { assistant: Assistant; port: InternalToolPort } {
  const registry = gateway.service.gateway.registry;
  const port = new InternalToolPort(new InternalGatewayClient(gateway.url, INTERNAL_SECRETS));
  return {
    port,
    assistant: new Assistant({
      sql: db.sql,
      registry,
      index: new ToolIndex(registry.list(), TOOL_HINTS),
      tools: port,
    }),
  };
}

describe("the assistant over the gateway's internal endpoint", () => {
  it("gets a chart's stored image by reference, as MCP clients do", async () => {
    const { port } = remoteAssistant();
    const outcome = await port.call({
      caller: as("ops", "U-port-chart"),
      requestId: crypto.randomUUID(),
      callCounts: new Map(),
      tool: "generate_chart",
      args: { eid: "AB4125" },
    });
    if (!outcome.ok) throw new Error(outcome.error.message);
    expect(outcome.images).toHaveLength(1);
    const [image] = outcome.images;
    expect(image?.url).toContain(`/images/${image?.id}.png`);
    const fetched = await fetch(image?.url ?? "");
    expect(fetched.status).toBe(200);
    expect(fetched.headers.get("content-type")).toBe("image/png");
  });

  it("a pending payment the requester cancels never runs, and cannot be confirmed afterwards", async () => {
    const { assistant } = remoteAssistant();
    const payments = async () =>
      (await db.sql<{ n: number }[]>`select count(*)::int as n from artist_payments`)[0]?.n;
    const before = await payments();
    const requester = as("finance", "U-port-pay");
    const asked = await assistant.answer({
      message: "Please pay Lena Okafor $450 CAD for her sale at AB4011.",
      caller: requester,
      interaction: "cli",
    });
    expect(asked.pendingApprovals).toEqual([
      expect.objectContaining({
        tool: "process_artist_payment",
        arguments: expect.objectContaining({ eid: "AB4011" }),
      }),
    ]);
    const approvalId = asked.pendingApprovals[0]?.approvalId as string;

    const stranger = await assistant.settleApproval({
      approvalId,
      action: "cancel",
      caller: as("finance", "U-port-other"),
      interaction: "cli",
    });
    expect(stranger.text).toMatch(/Only the person who asked for this action can cancel it/);
    const cancelled = await assistant.settleApproval({
      approvalId,
      action: "cancel",
      caller: requester,
      interaction: "cli",
    });
    expect(cancelled.text).toMatch(/^Cancelled: \*Pay an artist\* will not run/);
    const [row] = await db.sql<{ cancelled: boolean; used: boolean }[]>`
      select cancelled_at is not null as cancelled, used_at is not null as used from arthur_approvals
      where id = ${approvalId}`;
    expect(row).toEqual({ cancelled: true, used: false });

    const confirmed = await assistant.settleApproval({
      approvalId,
      action: "confirm",
      caller: requester,
      interaction: "cli",
    });
    expect(confirmed.text).toMatch(/This request was cancelled/);
    expect(confirmed.tools).toEqual([]);
    expect(await payments()).toBe(before);
    await gateway.service.audit.flush();
    const events = await db.sql<{ event_type: string }[]>`
      select event_type from esbmcp_audit_log
      where detail->>'approval_id' = ${approvalId} order by created_at, event_type`;
    expect(events.map((e) => e.event_type)).toEqual(
      expect.arrayContaining(["confirmation_required", "approval_cancelled"]),
    );
  });
});
