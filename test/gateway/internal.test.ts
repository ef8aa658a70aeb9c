import { describe, expect, it } from "vitest";
import type { Role } from "../../src/catalog/index.ts";
import { InternalGatewayClient, mintCallerToken, signRequest } from "../../src/gateway/index.ts";
import { useTestDatabase } from "../helpers/db.ts";
import { INTERNAL_SECRETS, useGateway } from "../helpers/gateway.ts";

const db = useTestDatabase();
const gateway = useGateway(db);

function caller(role: Role, requestId = `req-${Math.random().toString(36).slice(2)}`) {
  return { userId: `U-${role}`, role, teamId: "T1", channelId: "C1", sessionId: null, requestId };
}

function client() {
  return new InternalGatewayClient(gateway.url, INTERNAL_SECRETS);
}

describe("internal signed endpoint (the assistant's path)", () => {
  it("runs a tool for a signed caller and returns the result with its plain-text rendering", async () => {
    const outcome = await client().call(caller("viewer"), "lookup_event", { eid: "ab4001" });
    expect(outcome.status).toBe(200);
    expect(outcome.body.ok).toBe(true);
    const [event] = await db.sql<{ name: string }[]>`select name from events where eid = 'AB4001'`;
    expect(JSON.stringify(outcome.body.result)).toContain(event?.name ?? "?");
    expect(outcome.body.text).toContain("AB4001");
  });

  it("rejects a replayed request, and records the rejection", async () => {
    const { url, init } = await client().prepare(caller("ops"), "get_eventbrite_mapping", { eid: "AB4124" });
    const first = await fetch(url, init);
    expect(first.status).toBe(200);
    const replay = await fetch(url, init);
    expect(replay.status).toBe(401);
    expect(await replay.json()).toMatchObject({ ok: false, error: { code: "REPLAYED" } });
    await gateway.service.audit.flush();
    const [row] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from esbmcp_audit_log where event_type = 'replay_rejected'`;
    expect(row?.n).toBe(1);
  });

  it("rejects a tampered body, a stale timestamp and a caller token signed with another secret", async () => {
    const prepared = await client().prepare(caller("ops"), "lookup_event", { eid: "AB4001" });
    const tampered = await fetch(prepared.url, {
      ...prepared.init,
      body: JSON.stringify({ arguments: { eid: "AB4002" } }),
    });
    expect(tampered.status).toBe(401);
    expect(((await tampered.json()) as { error: { message: string } }).error.message).toContain("signature");

    const path = "/internal/v1/tools/lookup_event";
    const body = JSON.stringify({ arguments: { eid: "AB4001" } });
    const token = await mintCallerToken(INTERNAL_SECRETS.callerSecret, caller("ops"));
    const stale = String(Date.now() - 5 * 60_000);
    const nonce = "stale-nonce-0123456789";
    const staleResponse = await fetch(`${gateway.url}${path}`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "x-arthur-timestamp": stale,
        "x-arthur-nonce": nonce,
        "x-arthur-signature": signRequest(INTERNAL_SECRETS.signingSecret, {
          method: "POST",
          path,
          body,
          timestamp: stale,
          nonce,
        }),
      },
      body,
    });
    expect(staleResponse.status).toBe(401);

    const forged = new InternalGatewayClient(gateway.url, {
      callerSecret: "someone-elses-secret-0123456789abcdef",
      signingSecret: INTERNAL_SECRETS.signingSecret,
    });
    const outcome = await forged.call(caller("ops"), "lookup_event", { eid: "AB4001" });
    expect(outcome.status).toBe(401);
    expect(outcome.body.error?.code).toBe("UNAUTHENTICATED");
  });

  it("takes the role from the signed caller token only, never from the body", async () => {
    const c = client();
    const { url, init } = await c.prepare(caller("marketing"), "get_bid_history", { eid: "AB4002" });
    const response = await fetch(url, init);
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
  });

  it("enforces each tool's per-request call limit across calls of one request", async () => {
    const c = client();
    const sameRequest = caller("ops", "one-question");
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await c.call(sameRequest, "lookup_event", { eid: "AB4001" })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect((await c.call(caller("ops"), "lookup_event", { eid: "AB4001" })).status).toBe(200);
  });

  it("answers bad input with 400 and the field, and an unknown tool with 404", async () => {
    const c = client();
    const bad = await c.call(caller("ops"), "lookup_event", { eid: "AB-1" });
    expect(bad.status).toBe(400);
    expect(bad.body.error?.message).toContain("eid");
    const unknown = await c.call(caller("ops"), "lookup_events", {});
    expect(unknown.status).toBe(404);
    expect(unknown.body.error?.message).toContain("lookup_event");
  });

  it("refuses a body over 256 KiB with 413 on both internal endpoints, and runs nothing", async () => {
    await gateway.service.audit.flush();
    const [before] = await db.sql<{ n: number }[]>`select count(*)::int as n from esbmcp_tool_executions`;
    const huge = "x".repeat(256 * 1024 + 1);
    for (const path of ["/internal/v1/tools/lookup_event", "/internal/v1/approvals/some-id/confirm"]) {
      const response = await fetch(`${gateway.url}${path}`, { method: "POST", body: huge });
      expect(response.status).toBe(413);
      expect(await response.json()).toMatchObject({ ok: false, error: { code: "PAYLOAD_TOO_LARGE" } });
    }
    await gateway.service.audit.flush();
    const [after] = await db.sql<{ n: number }[]>`select count(*)::int as n from esbmcp_tool_executions`;
    expect(after?.n).toBe(before?.n);
  });
});
