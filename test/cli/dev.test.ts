import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, describe, expect, it } from "vitest";
import { createSql } from "../../src/db/index.ts";
import { createToken } from "../../src/gateway/index.ts";
import { ESBMCP_TABLES, ESBMCP_VIEWS } from "../db/esbmcp-objects.ts";
import { TOOL_COLUMNS } from "../demo/production-columns.ts";
import { startFakeSlack } from "../helpers/fake-slack.ts";
import { connectMcp } from "../helpers/gateway.ts";
import { cleanEnv, freePort, processIsAlive, startArthur } from "../helpers/process.ts";
import { appMention, eventCallback, postToSlackApp, slackTs } from "../helpers/slack-requests.ts";

const home = mkdtempSync(join(tmpdir(), "arthur-dev-"));
afterAll(() => rmSync(home, { recursive: true, force: true }));

async function devEnv(extra: Record<string, string> = {}) {
  return cleanEnv({
    ARTHUR_HOME: home,
    EMBEDDED_PG_PORT: String(await freePort()),
    GATEWAY_PORT: String(await freePort()),
    PORT: String(await freePort()),
    CONTROL_PLANE_PORT: String(await freePort()),
    DEMO_SCALE: "0.01",
    LOG_LEVEL: "warn",
    ...extra,
  });
}

function postgresPid(): number {
  return Number(readFileSync(join(home, "pg", "postmaster.pid"), "utf8").split("\n")[0]);
}

/** Start `arthur dev`, check its probes and its one-line banner, then stop it with Ctrl-C (SIGINT). */
async function startCheckStop(firstRun: boolean) {
  const env = await devEnv();
  const dev = startArthur(["dev"], env);
  const banner = await dev.waitFor(/^Arthur ready/, 150_000);
  const gateway = `http://127.0.0.1:${env.GATEWAY_PORT}`;
  expect(banner).toContain(gateway);
  expect(banner).toContain(`127.0.0.1:${env.EMBEDDED_PG_PORT}/arthur`);
  expect(banner).not.toMatch(/postgres:\/\/postgres:(?!\*\*\*)/); // password masked

  const health = await fetch(`${gateway}/healthz`);
  expect(health.status).toBe(200);
  const ready = await fetch(`${gateway}/readyz`);
  expect(ready.status).toBe(200);
  expect(await ready.json()).toMatchObject({ status: "ready", checks: { database: true } });
  // The dev token (ops) is written owner-only and opens /mcp; without it /mcp answers 401.
  const tokenFile = join(home, "dev-token");
  expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
  expect(dev.output()).toContain(`${gateway}/mcp`);
  // The web console: its link carries a token made for this start; without the token the API answers 401.
  const consoleLine = await dev.waitFor(/^Web console: /, 10_000);
  const link = new URL(/(http:\/\/\S+)/.exec(consoleLine)?.[1] ?? "");
  expect(link.origin).toBe(`http://127.0.0.1:${env.PORT}`);
  const token = link.searchParams.get("token") ?? "";
  expect(token.length).toBeGreaterThanOrEqual(40);
  const ask = (authorization?: string) =>
    fetch(`${link.origin}/api/ask`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
      body: JSON.stringify({ user: "U-dev", role: "viewer", message: "when does AB4001 start?" }),
    });
  expect((await ask()).status).toBe(401);
  const asked = await ask(`Bearer ${token}`);
  expect(asked.status).toBe(200);
  const { answer } = (await asked.json()) as { answer: { tools: { tool: string }[] } };
  expect(answer.tools.map((t) => t.tool)).toContain("lookup_event");
  // The control plane: its own port, /health open, the admin API closed without a token.
  const controlPlaneLine = await dev.waitFor(/^Control plane: /, 10_000);
  const controlPlane = `http://127.0.0.1:${env.CONTROL_PLANE_PORT}`;
  expect(controlPlaneLine).toContain(controlPlane);
  expect(controlPlaneLine).toContain("Kubernetes steps are skipped");
  expect((await fetch(`${controlPlane}/health`)).status).toBe(200);
  expect((await fetch(`${controlPlane}/api/v1/admin/orgs/artbattle`)).status).toBe(401);
  const mcp = (authorization?: string) =>
    fetch(`${gateway}/mcp`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        ...(authorization ? { authorization } : {}),
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
  expect((await mcp()).status).toBe(401);
  const listed = await mcp(`Bearer ${readFileSync(tokenFile, "utf8").trim()}`);
  expect(listed.status).toBe(200);
  expect(((await listed.json()) as { result: { tools: unknown[] } }).result.tools.length).toBeGreaterThan(0);
  if (firstRun) expect(dev.output()).toMatch(/Seeded [\d,]+ rows/);
  else expect(dev.output()).not.toMatch(/Seeded/);

  // The embedded server listens on loopback only and needs the generated password.
  const password = readFileSync(join(home, "pg-password"), "utf8").trim();
  const sql = createSql(
    `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${env.EMBEDDED_PG_PORT}/arthur`,
  );
  const [listen] = await sql<{ listen_addresses: string }[]>`show listen_addresses`;
  expect(listen?.listen_addresses).toBe("127.0.0.1");
  const [events] = await sql<{ n: number }[]>`select count(*)::int as n from events`;
  expect(events?.n).toBeGreaterThan(5);
  if (firstRun) {
    // Every Art Battle table the tools read and every esbmcp_ object, created by `arthur dev` itself.
    const wanted = [...Object.keys(TOOL_COLUMNS), ...ESBMCP_TABLES, ...ESBMCP_VIEWS];
    const missing = await sql<{ name: string }[]>`
      select name from unnest(${wanted}::text[]) as name where to_regclass(name) is null`;
    expect(missing.map((m) => m.name)).toEqual([]);
    const [retention] = await sql`select to_regprocedure('esbmcp_cleanup_old_data(integer)') as fn`;
    expect(retention?.fn).not.toBeNull();
  }
  await sql.end();

  const pid = postgresPid();
  expect(processIsAlive(pid)).toBe(true);
  dev.child.kill("SIGINT");
  expect(await dev.exited).toBe(0);
  expect(processIsAlive(pid)).toBe(false);
}

describe("arthur dev (what npm start runs)", () => {
  it("creates the embedded database, seeds the demo, serves the probes and stops PostgreSQL on Ctrl-C", async () => {
    await startCheckStop(true);
  });

  it("starts again on the existing data without re-seeding, and stops cleanly again", async () => {
    await startCheckStop(false);
  });

  it("with writes on, pays an artist over MCP through the local Edge Functions, once per approval", async () => {
    const env = await devEnv({ ENABLE_MUTATING_TOOLS: "true" });
    const dev = startArthur(["dev"], env);
    await dev.waitFor(/^Arthur ready/, 60_000);
    const password = readFileSync(join(home, "pg-password"), "utf8").trim();
    const sql = createSql(
      `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${env.EMBEDDED_PG_PORT}/arthur`,
    );
    try {
      // An artist with a ready payout account still owed at least 0.50 for AB4001.
      const [payee] = await sql<{ id: string }[]>`
        with ev as (select id, artist_auction_portion as portion from events where eid = 'AB4001')
        select a.artist_id as id from art a, ev
        where a.event_id = ev.id and a.status = 'paid'
          and exists (select 1 from artist_global_payments g where g.artist_profile_id = a.artist_id and g.status = 'ready')
        group by a.artist_id, ev.id, ev.portion
        having sum(coalesce(a.final_price, a.current_bid, 0) * ev.portion) - coalesce((
          select sum(p.gross_amount) from artist_payments p left join art pa on pa.id = p.art_id
          where p.artist_profile_id = a.artist_id and p.status in ('paid', 'verified', 'pending', 'processing')
            and coalesce(pa.event_id::text, p.metadata->>'event_id') = ev.id::text), 0) >= 0.5
        order by a.artist_id limit 1`;
      expect(payee).toBeDefined();
      const { token } = await createToken(sql, { userId: "U-dev-finance", role: "finance", label: "test" });
      const client = await connectMcp(`http://127.0.0.1:${env.GATEWAY_PORT}`, token);
      const call = {
        name: "process_artist_payment",
        arguments: { eid: "AB4001", artist_profile_id: payee?.id, amount: 0.5, currency: "CAD" },
      };
      const asked = (await client.callTool(call)) as CallToolResult;
      const approvalId = (
        asked.structuredContent as { error: { code: string; details: { approval_id: string } } }
      ).error.details.approval_id;
      const paid = (await client.callTool({
        ...call,
        _meta: { "arthur/approval_id": approvalId },
      })) as CallToolResult;
      expect(paid.structuredContent).toMatchObject({ status: "processing", amount: "0.50" });
      const again = (await client.callTool({
        ...call,
        _meta: { "arthur/approval_id": approvalId },
      })) as CallToolResult;
      expect(again.isError).toBe(true);
      await client.close();
      const rows = await sql<{ status: string; gross: string }[]>`
        select status, gross_amount::text as gross from artist_payments
        where metadata->>'idempotency_key' = ${`arthur-approval-${approvalId}`}`;
      expect(rows).toEqual([{ status: "processing", gross: "0.50" }]);
    } finally {
      await sql.end();
      dev.child.kill("SIGINT");
      expect(await dev.exited).toBe(0);
    }
  });

  it("answers a signed Slack @mention about a scenario event in its thread, without a language model", async () => {
    const fake = await startFakeSlack();
    const secret = "5e1ec7ed0123456789abcdef01234567";
    const env = await devEnv({
      SLACK_BOT_TOKEN: fake.token,
      SLACK_SIGNING_SECRET: secret,
      SLACK_API_URL: fake.apiUrl,
      OPEN_VIEWER_CHANNELS: "C0DEVOPEN1",
    });
    const dev = startArthur(["dev"], env);
    try {
      await dev.waitFor(/^Arthur ready/, 60_000);
      const slackLine = await dev.waitFor(/^Slack: /, 10_000);
      const events = `http://127.0.0.1:${env.PORT}/slack/events`;
      expect(slackLine).toContain(`${events} (HTTP)`);
      const ts = slackTs();
      const question = "<@U0BOT> What's the venue and start time for AB4023?";
      const started = performance.now();
      const response = await postToSlackApp(
        events,
        secret,
        eventCallback(appMention({ user: "U0DEVUSER", channel: "C0DEVOPEN1", text: question, ts })),
      );
      expect(response.status).toBe(200);
      await fake.waitFor(() => fake.messages.some((m) => m.channel === "C0DEVOPEN1"), 10_000);
      expect(performance.now() - started).toBeLessThan(10_000);
      const [reply] = fake.messages;
      expect(reply?.threadTs).toBe(ts);
      const password = readFileSync(join(home, "pg-password"), "utf8").trim();
      const sql = createSql(
        `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${env.EMBEDDED_PG_PORT}/arthur`,
      );
      const [event] = await sql<{ venue: string }[]>`
        select coalesce(v.name, e.venue) as venue from events e left join venues v on v.id = e.venue_id
        where e.eid = 'AB4023'`;
      await sql.end();
      expect(reply?.text).toContain("AB4023");
      expect(reply?.text).toContain(event?.venue);
      // A request Slack did not sign is refused.
      const forged = await postToSlackApp(
        events,
        `${secret}0`,
        eventCallback(
          appMention({ user: "U0DEVUSER", channel: "C0DEVOPEN1", text: question, ts: slackTs() }),
        ),
      );
      expect(forged.status).toBe(401);
    } finally {
      dev.child.kill("SIGINT");
      expect(await dev.exited).toBe(0);
      await fake.close();
    }
  });

  it("runs `arthur assistant` beside a separate gateway: Slack answers go through its signed internal endpoint", async () => {
    const fake = await startFakeSlack();
    const secrets = {
      ARTHUR_CALLER_SECRET: "caller-secret-for-the-assistant-test-0123456789",
      ARTHUR_SIGNING_SECRET: "signing-secret-for-the-assistant-test-012345678",
    };
    const env = await devEnv(secrets);
    const dev = startArthur(["dev"], env);
    let assistant: ReturnType<typeof startArthur> | undefined;
    try {
      await dev.waitFor(/^Arthur ready/, 60_000);
      const password = readFileSync(join(home, "pg-password"), "utf8").trim();
      const secret = "0123456789abcdef0123456789abcdef";
      const assistantEnv = cleanEnv({
        ...secrets,
        ARTHUR_HOME: home,
        DATABASE_URL: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${env.EMBEDDED_PG_PORT}/arthur`,
        GATEWAY_URL: `http://127.0.0.1:${env.GATEWAY_PORT}`,
        PORT: String(await freePort()),
        SLACK_BOT_TOKEN: fake.token,
        SLACK_SIGNING_SECRET: secret,
        SLACK_API_URL: fake.apiUrl,
        RBAC_USER_MAP_JSON: '{"U0ASSIST1":"ops"}',
        LOG_LEVEL: "warn",
      });
      assistant = startArthur(["assistant"], assistantEnv);
      const banner = await assistant.waitFor(/^Arthur assistant on /, 30_000);
      const events = `http://127.0.0.1:${assistantEnv.PORT}/slack/events`;
      expect(banner).toContain(`${events} (HTTP)`);
      const ts = slackTs();
      const response = await postToSlackApp(
        events,
        secret,
        eventCallback(
          appMention({
            user: "U0ASSIST1",
            channel: "C0ASSIST01",
            text: "<@U0BOT> when does AB4001 start?",
            ts,
          }),
        ),
      );
      expect(response.status).toBe(200);
      await fake.waitFor(() => fake.messages.some((m) => m.channel === "C0ASSIST01"), 10_000);
      expect(fake.messages[0]).toMatchObject({ threadTs: ts, text: expect.stringContaining("AB4001") });
      // The tool ran in the gateway process, as the Slack user, signed by the assistant.
      const sql = createSql(assistantEnv.DATABASE_URL ?? "");
      // The gateway writes its audit rows in batches; wait (bounded) for this one.
      const deadline = Date.now() + 5000;
      let runs: { tool_name: string; user_role: string }[] = [];
      while (runs.length === 0 && Date.now() < deadline) {
        runs = await sql<{ tool_name: string; user_role: string }[]>`
          select tool_name, user_role from esbmcp_tool_executions where slack_user_id = 'U0ASSIST1'`;
        if (runs.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await sql.end();
      expect(runs).toContainEqual({ tool_name: "lookup_event", user_role: "ops" });
    } finally {
      assistant?.child.kill("SIGINT");
      if (assistant) expect(await assistant.exited).toBe(0);
      dev.child.kill("SIGINT");
      expect(await dev.exited).toBe(0);
      await fake.close();
    }
  });

  it("binds the gateway to loopback only", async () => {
    const env = await devEnv();
    const dev = startArthur(["dev"], env);
    await dev.waitFor(/^Arthur ready/, 60_000);
    const { networkInterfaces } = await import("node:os");
    const external = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === "IPv4" && !i.internal);
    if (external) {
      await expect(fetch(`http://${external.address}:${env.GATEWAY_PORT}/healthz`)).rejects.toThrow();
    }
    const local = await fetch(`http://127.0.0.1:${env.GATEWAY_PORT}/healthz`);
    expect(local.status).toBe(200);
    dev.child.kill("SIGTERM");
    expect(await dev.exited).toBe(0);
  });
});
