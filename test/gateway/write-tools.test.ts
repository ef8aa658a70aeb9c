import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Caller, ToolError } from "../../src/catalog/index.ts";
import { checksumTables, listTables } from "../../src/db/index.ts";
import { HttpEdgeFunctions, LocalEdgeFunctions } from "../../src/edge/index.ts";
import type { ToolService } from "../../src/gateway/index.ts";
import { allTools } from "../../src/packs/index.ts";
import { useTestDatabase } from "../helpers/db.ts";
import { startTestToolService } from "../helpers/gateway.ts";
import { refusalOf } from "../helpers/tools.ts";

const db = useTestDatabase();
const finance: Caller = {
  userId: "U-finance-1",
  role: "finance",
  teamId: "T1",
  channelId: "C-finance",
  sessionId: null,
  via: "internal",
};

/** A fake Supabase functions endpoint whose answer each test sets. */
let answer: (res: import("node:http").ServerResponse) => void = (res) => res.writeHead(500).end();
let fakeSupabase: Server;
let fakeUrl = "";

function service(env: Record<string, string>, edge: "local" | "remote"): ToolService {
  return startTestToolService(db, {
    env,
    edge:
      edge === "local"
        ? new LocalEdgeFunctions(db.sql)
        : new HttpEdgeFunctions({ supabaseUrl: fakeUrl, serviceRoleKey: "k".repeat(40), timeoutMs: 300 }),
  });
}

let readOnly: ToolService;
let writable: ToolService;
let remote: ToolService;
beforeAll(async () => {
  fakeSupabase = createServer((req, res) => {
    req.resume();
    req.on("end", () => answer(res));
  });
  await new Promise<void>((resolve) => fakeSupabase.listen(0, "127.0.0.1", resolve));
  fakeUrl = `http://127.0.0.1:${(fakeSupabase.address() as AddressInfo).port}`;
  readOnly = service({}, "local");
  writable = service({ ENABLE_MUTATING_TOOLS: "true" }, "local");
  remote = service({ ENABLE_MUTATING_TOOLS: "true" }, "remote");
});
afterAll(async () => {
  await Promise.all([readOnly.close(), writable.close(), remote.close()]);
  fakeSupabase.closeAllConnections();
  await new Promise((resolve) => fakeSupabase.close(resolve));
});

/** An artist owed at least 5.00 CAD for AB4001 with a ready payout account (from the seeded rows). */
async function payee(): Promise<string> {
  const [row] = await db.sql<{ id: string }[]>`
    select a.artist_id as id from art a
    join events e on e.id = a.event_id and e.eid = 'AB4001'
    join artist_global_payments g on g.artist_profile_id = a.artist_id and g.status = 'ready'
    where a.status = 'paid'
    group by a.artist_id having sum(coalesce(a.final_price, a.current_bid, 0) * 0.5) >= 5
    order by a.artist_id limit 1`;
  if (!row) throw new Error("AB4001 has a payable artist");
  return row.id;
}

const paymentRows = async (artistId: string) =>
  (
    await db.sql<
      { n: number }[]
    >`select count(*)::int as n from artist_payments where artist_profile_id = ${artistId}`
  )[0]?.n ?? 0;

function pay(on: ToolService, artistId: string, approvalId?: string, amount = 1.25) {
  return on.gateway.call({
    caller: finance,
    toolName: "process_artist_payment",
    arguments: { eid: "AB4001", artist_profile_id: artistId, amount, currency: "CAD" },
    requestId: randomUUID(),
    ipAddress: null,
    ...(approvalId ? { approvalId } : {}),
  });
}

/** Ask, get APPROVAL_REQUIRED with an approval id, confirm it as the requester. */
async function approvedPayment(on: ToolService, artistId: string, amount = 1.25): Promise<string> {
  const asked = await refusalOf(pay(on, artistId, undefined, amount));
  expect(asked.code).toBe("APPROVAL_REQUIRED");
  const approvalId = (asked.details as { approval_id: string }).approval_id;
  await on.gateway.confirm(approvalId, finance);
  return approvalId;
}

/** Valid arguments for every write tool (the gate is checked after validation). */
async function writeSamples(): Promise<Record<string, Record<string, unknown>>> {
  const artist = await payee();
  return {
    update_artist_name: { artist_profile_id: artist, new_name: "Renamed" },
    update_artist_bio: { artist_profile_id: artist, new_bio: "New bio" },
    update_artist_country: { artist_profile_id: artist, new_country: "CA" },
    send_artist_invitation: { eid: "AB4130", artist_profile_id: artist, message_from_producer: "Join us" },
    refresh_vote_weights: { eid: "AB4120" },
    process_artist_payment: { eid: "AB4001", artist_profile_id: artist, amount: 1, currency: "CAD" },
    send_payment_reminder: { eid: "AB4001", artist_profile_id: artist },
    create_bug_report: { title: "Chart missing", description: "No chart was posted" },
    update_memory: { scope_type: "channel", scope_id: "C0FINANCE1", content_md: "## Notes\n- hello" },
    rollback_memory: { scope_type: "channel", scope_id: "C0FINANCE1" },
    refresh_eventbrite_data: { eid: "AB4125", force: true },
    set_chart_comparators: { eid: "AB4125", comparator_eids: ["AB4001"] },
    schedule_chart_autopost: { eid: "AB4125", slack_channel_id: "C0FINANCE1" },
    update_chart_schedule: { eid: "AB4125", action: "pause" },
  };
}

/** Every Art Battle and Arthur state table, except the audit trail the refusals themselves write. */
async function stateChecksums() {
  const tables = (await listTables(db.sql)).filter(
    (t) => !/^esbmcp_(tool_executions|audit_log|tool_errors)$/.test(t),
  );
  return checksumTables(db.sql, tables);
}

describe("write tools through the gateway", () => {
  it("every write tool, with ENABLE_MUTATING_TOOLS=false: WRITES_DISABLED and no table changes", async () => {
    const samples = await writeSamples();
    const writeTools = allTools.filter((tool) => tool.policy.writes);
    expect(Object.keys(samples).sort()).toEqual(writeTools.map((tool) => tool.name).sort());
    const before = await stateChecksums();
    for (const tool of writeTools) {
      const refused = await refusalOf(
        readOnly.gateway.call({
          caller: { ...finance, role: tool.policy.roles[0] ?? "ops", channelId: "C0FINANCE1" },
          toolName: tool.name,
          arguments: samples[tool.name],
          requestId: randomUUID(),
          ipAddress: null,
        }),
      );
      expect({ tool: tool.name, code: refused.code }).toEqual({ tool: tool.name, code: "WRITES_DISABLED" });
    }
    expect(await stateChecksums()).toEqual(before);
  });

  it("with ENABLE_MUTATING_TOOLS=false: WRITES_DISABLED, no approval requested, nothing written", async () => {
    const artist = await payee();
    const before = await paymentRows(artist);
    const blocked = await refusalOf(pay(readOnly, artist));
    expect(blocked).toMatchObject({ code: "WRITES_DISABLED", status: 403 });
    const rename = await refusalOf(
      readOnly.gateway.call({
        caller: { ...finance, role: "ops" },
        toolName: "update_artist_name",
        arguments: { artist_profile_id: artist, new_name: "Renamed" },
        requestId: randomUUID(),
        ipAddress: null,
      }),
    );
    expect(rename.code).toBe("WRITES_DISABLED");
    expect(await paymentRows(artist)).toBe(before);
    const [approvals] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from arthur_approvals where requested_by = ${finance.userId}`;
    expect(approvals?.n).toBe(0);
    const [named] = await db.sql<{ name: string }[]>`select name from artist_profiles where id = ${artist}`;
    expect(named?.name).not.toBe("Renamed");
  });

  it("writes on: APPROVAL_REQUIRED first; the confirmed approval pays once; using it again is refused", async () => {
    const artist = await payee();
    const before = await paymentRows(artist);
    const approvalId = await approvedPayment(writable, artist);
    expect(await paymentRows(artist)).toBe(before);
    const paid = await pay(writable, artist, approvalId);
    expect(paid.result).toMatchObject({ status: "processing", amount: "1.25", currency: "CAD" });
    expect(await paymentRows(artist)).toBe(before + 1);
    const reused = await refusalOf(pay(writable, artist, approvalId));
    expect(reused.code).toBe("APPROVAL_REQUIRED");
    expect(reused.message).toContain("already been used");
    expect(await paymentRows(artist)).toBe(before + 1);
    // The payout carries the key derived from the approval.
    const [row] = await db.sql<{ key: string }[]>`
      select metadata->>'idempotency_key' as key from artist_payments
      where artist_profile_id = ${artist} order by created_at desc limit 1`;
    expect(row?.key).toBe(`arthur-approval-${approvalId}`);
  });

  it("20 concurrent calls with the same approval: exactly one payment row", async () => {
    const artist = await payee();
    const before = await paymentRows(artist);
    const approvalId = await approvedPayment(writable, artist, 2);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, () => pay(writable, artist, approvalId, 2)),
    );
    const ok = outcomes.filter((o) => o.status === "fulfilled");
    const refused = outcomes.flatMap((o) => (o.status === "rejected" ? [(o.reason as ToolError).code] : []));
    expect(ok).toHaveLength(1);
    expect(refused).toEqual(Array(19).fill("APPROVAL_REQUIRED"));
    expect(await paymentRows(artist)).toBe(before + 1);
  });

  for (const [label, reply, expected] of [
    [
      "a 5xx",
      (res) =>
        res.writeHead(500, { "content-type": "application/json" }).end('{"error":"Internal server error"}'),
      "answered 500",
    ],
    [
      "a 4xx",
      (res) =>
        res.writeHead(400, { "content-type": "application/json" }).end('{"error":"amount is required"}'),
      "answered 400: amount is required",
    ],
    [
      "a timeout",
      (res) => setTimeout(() => res.writeHead(200).end("{}"), 1000),
      "did not answer within 300 ms",
    ],
  ] as [string, typeof answer, string][]) {
    it(`an Edge Function failure (${label}) is UPSTREAM, recorded in esbmcp_tool_errors, and changes nothing`, async () => {
      answer = reply;
      const artist = await payee();
      const before = await paymentRows(artist);
      const approvalId = await approvedPayment(remote, artist, 1.5);
      const failed = await refusalOf(pay(remote, artist, approvalId, 1.5));
      expect(failed).toMatchObject({ code: "UPSTREAM", status: 502 });
      expect(failed.message).toContain(expected);
      await remote.audit.flush();
      const errors = await db.sql<
        { error_type: string; error_message: string; execution_id: string | null }[]
      >`
        select error_type, error_message, execution_id from esbmcp_tool_errors
        where tool_name = 'process_artist_payment' and error_message like ${`%${expected}%`}`;
      expect(errors).toHaveLength(1);
      expect(errors[0]?.error_type).toBe("upstream");
      expect(await paymentRows(artist)).toBe(before);
      // The write's transaction rolled back, so the approval is still usable for a retry.
      const [approval] = await db.sql<{ used: boolean }[]>`
        select used_at is not null as used from arthur_approvals where id = ${approvalId}`;
      expect(approval?.used).toBe(false);
    });
  }
});
