import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import type { Sql } from "../../db/index.ts";
import { createSql, migrateArthur, openDatabase, withDatabaseName } from "../../db/index.ts";
import { applyDemoSchema, clearDemoData, defaultAnchor, latestSeed } from "../../demo/index.ts";
import { unconfiguredEdgeFunctions } from "../../edge/index.ts";
import { createToken, InternalGatewayClient, PgImageStore } from "../../gateway/index.ts";
import { allTools } from "../../packs/index.ts";
import { freePort } from "../../shared/index.ts";
import { seedWithProgress } from "../db-commands.ts";
import { loadRuntime } from "../runtime.ts";
import { BenchHttpClient } from "./http-client.ts";
import { type Percentiles, percentiles } from "./percentiles.ts";

const BIN = fileURLToPath(new URL("../../../bin/arthur.js", import.meta.url));
const BENCH_DATABASE = "arthur_bench_gateway";
/**
 * Node flags for the gateway process under test, as recommended for production (README): a 32 MB
 * young generation halves scavenges under load. GATEWAY_NODE_FLAGS overrides (space-separated).
 */
const GATEWAY_NODE_FLAGS = (process.env.GATEWAY_NODE_FLAGS ?? "--max-semi-space-size=32")
  .split(" ")
  .filter(Boolean);

/** Representative arguments per tool, aimed at the scenario events (docs/demo-data.md). */
export const SAMPLE_ARGUMENTS: Record<string, Record<string, unknown>> = {
  lookup_event: { eid: "AB4001" },
  lookup_person: { query: "jordan.lee@example.com", search_by: "email" },
  lookup_artist_profile: { query: "Lena Okafor", search_by: "name" },
  lookup_artwork_bids: { eid: "AB4002" },
  get_vote_data: { eid: "AB4120" },
  debug_event_visibility: { eid: "AB4023" },
  get_event_config: { eid: "AB4023" },
  run_event_health_check: { eid: "AB4023" },
  get_event_summary: { eid: "AB4001" },
  get_bid_history: { eid: "AB4002" },
  get_auction_timing: { eid: "AB4120" },
  get_auction_revenue: { eid: "AB4001", group_by: "artist" },
  get_eventbrite_data: { eid: "AB4124" },
  get_eventbrite_mapping: { eid: "AB4124" },
  get_eventbrite_fees: { eid: "AB4125" },
  find_duplicate_profiles: { query: "Lena Okafor", search_by: "name" },
  get_artist_invitations: { eid: "AB4130" },
  get_event_readiness: { eid: "AB4023" },
  get_vote_weights: { eid: "AB4120" },
  get_qr_scan_status: { eid: "AB4120" },
  get_artist_stripe_status: { eid: "AB4001" },
  get_exchange_rates: { base_currency: "CAD", target_currency: "USD" },
  get_manual_payment_requests: { eid: "AB4001" },
  get_artist_payment_ledger: { eid: "AB4001" },
  get_artists_owed: { eid: "AB4001" },
  get_payment_status_health: { eid: "AB4001" },
  get_payment_invitations: { eid: "AB4001" },
  get_meta_ads_data: { eid: "AB4125" },
  get_sms_campaigns: { eid: "AB4120" },
  get_sms_audience_count: { eid: "AB4120", audience_filter: "event_attendees" },
  get_sms_conversation: { phone: "+1 604 555 0000" },
  get_notification_status: { eid: "AB4023" },
  get_active_offers: { eid: "AB4124" },
  get_sponsorship_summary: { eid: "AB4120" },
  get_slack_queue_health: {},
  get_email_queue_stats: { hours_back: 168 },
  get_email_log: { recipient: "example.com", limit: 20 },
  check_rls_policies: { table_name: "people" },
  live_event_diagnostic: { eid: "AB4120" },
  get_bot_errors: { hours_back: 720 },
  get_bot_sessions: { hours_back: 720, limit: 20 },
  get_bot_tool_stats: { hours_back: 720 },
  get_bug_reports: { status: "open" },
  verify_eventbrite_config: { eid: "AB4124" },
  get_chart_comparators: { eid: "AB4125" },
  generate_chart: { eid: "AB4125" },
  get_chart_schedule: { status: "active" },
  get_chart_history: { eid: "AB4125" },
  get_chart_scheduler_status: { hours_back: 24 },
  get_memory: { scope_type: "channel", scope_id: "C0123ABCD" },
  search_slack_knowledge: { query: "venue load-in", limit: 10 },
  get_slack_knowledge_stats: {},
  get_memory_versions: { scope_type: "tool", scope_id: "lookup_person", limit: 10 },
};

export interface GatewayBenchResult {
  suite: "gateway";
  scale: number;
  lookupEvent: { direct: Percentiles; internal: Percentiles; mcp: Percentiles; mcpOverheadP50Ms: number };
  throughput: { concurrency: number; requestsPerSecond: number; p50: number; p99: number; errors: number }[];
  perTool: ({ tool: string } & Percentiles)[];
  node: string;
  postgres: string;
  at: string;
}

async function time(calls: number, warmup: number, body: () => Promise<void>): Promise<Percentiles> {
  for (let i = 0; i < warmup; i++) await body();
  const samples: number[] = [];
  for (let i = 0; i < calls; i++) {
    const started = performance.now();
    await body();
    samples.push(performance.now() - started);
  }
  return percentiles(samples);
}

/** The bench database: kept between runs and reseeded only when the scale differs. */
async function prepareDatabase(admin: Sql, url: string, scale: number): Promise<string> {
  const [exists] = await admin`select 1 as x from pg_database where datname = ${BENCH_DATABASE}`;
  if (!exists) await admin.unsafe(`create database "${BENCH_DATABASE}"`);
  const benchUrl = withDatabaseName(url, BENCH_DATABASE);
  const sql = createSql(benchUrl, { maxConnections: 2 });
  try {
    await migrateArthur(sql);
    await applyDemoSchema(sql);
    const seeded = await latestSeed(sql);
    if (!seeded || Number(seeded.scale) !== scale) {
      await clearDemoData(sql);
      await seedWithProgress(sql, { scale, seed: 1, anchor: defaultAnchor() });
    }
    // Audit rows from earlier runs would make each run slower than the last (bigger indexes, more
    // autovacuum work); every run starts from empty audit tables.
    await sql`truncate esbmcp_tool_executions, esbmcp_audit_log, esbmcp_tool_errors, arthur_request_nonces`;
    // Settle the freshly loaded tables so autovacuum does not compete with the measurements.
    await sql`vacuum analyze`;
  } finally {
    await sql.end();
  }
  return benchUrl;
}

/** Run `arthur gateway` in its own process, as in production, so load generation does not share its CPU. */
async function startGatewayProcess(env: NodeJS.ProcessEnv, port: number) {
  const child = spawn(process.execPath, [...GATEWAY_NODE_FLAGS, BIN, "gateway"], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (d) => {
      output += d;
      if (/listening on/.test(output)) resolve();
    });
    child.stderr.on("data", (d) => {
      output += d;
    });
    void exited.then((code) => reject(new Error(`arthur gateway exited (${code}):\n${output}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

function mcpCall(name: string, args: unknown, id = 1): string {
  return JSON.stringify({ jsonrpc: "2.0", id, method: "tools/call", params: { name, arguments: args } });
}

function mcpHeaders(token: string): Record<string, string> {
  return {
    authorization: `Bearer ${token}`,
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
    "mcp-protocol-version": "2025-06-18",
  };
}

async function load(
  url: string,
  headers: Record<string, string>,
  body: string,
  connections: number,
  seconds: number,
) {
  const result = await autocannon({ url, method: "POST", headers, body, connections, duration: seconds });
  return {
    concurrency: connections,
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx + result.timeouts,
  };
}

/**
 * lookup_event three ways (handler SQL directly, internal REST, MCP over HTTP), MCP throughput at
 * concurrency 1/16/64, and p50/p95/p99 of every tool, against a gateway process over the bench database.
 */
export async function benchGateway(
  scale: number,
  options: { calls: number; seconds: number },
): Promise<GatewayBenchResult> {
  const rt = loadRuntime();
  const db = await openDatabase(rt.config, rt.logger);
  let stopGateway: (() => Promise<void>) | undefined;
  let client: BenchHttpClient | undefined;
  const sql = createSql(await prepareDatabase(db.sql, db.url, scale), { maxConnections: 4 });
  try {
    const benchUrl = withDatabaseName(db.url, BENCH_DATABASE);
    const secrets = {
      callerSecret: randomBytes(32).toString("hex"),
      signingSecret: randomBytes(32).toString("hex"),
    };
    const port = await freePort();
    const gateway = await startGatewayProcess(
      {
        ...process.env,
        DATABASE_URL: benchUrl,
        GATEWAY_PORT: String(port),
        GATEWAY_HOST: "127.0.0.1",
        ARTHUR_CALLER_SECRET: secrets.callerSecret,
        ARTHUR_SIGNING_SECRET: secrets.signingSecret,
        LOG_LEVEL: "warn",
      },
      port,
    );
    stopGateway = gateway.stop;
    const http = new BenchHttpClient(gateway.url);
    client = http;
    const { token } = await createToken(sql, {
      userId: "bench",
      role: "ops",
      label: "bench",
      ttlMs: 3_600_000,
    });
    const internal = new InternalGatewayClient(gateway.url, secrets);
    const caller = { userId: "bench", role: "ops" as const, teamId: null, channelId: null, sessionId: null };
    const lookup = allTools.find((t) => t.name === "lookup_event");
    if (!lookup) throw new Error("lookup_event is not defined");
    const lookupArgs = lookup.input.parse(SAMPLE_ARGUMENTS.lookup_event);
    const { calls } = options;
    const warmup = Math.min(1000, calls);
    const mcpBody = mcpCall("lookup_event", SAMPLE_ARGUMENTS.lookup_event);
    // Steady state, not start-up: let the JIT compile the request path before anything is timed.
    await load(`${gateway.url}/mcp`, mcpHeaders(token), mcpBody, 16, 3);

    const direct = await time(calls, warmup, async () => {
      await lookup.handler(lookupArgs, {
        sql,
        caller: { ...caller, via: "internal" },
        rowCap: rt.config.tools.rowCap,
        edge: unconfiguredEdgeFunctions,
        idempotencyKey: null,
        eventbrite: null,
        images: new PgImageStore(sql, () => gateway.url),
        record: (work) => sql.begin((tx) => work(tx as unknown as typeof sql)) as never,
      });
    });
    // MCP first: the gateway is warm from the load burst above.
    const viaMcp = await time(calls, warmup, async () => {
      const response = await http.post("/mcp", mcpHeaders(token), mcpBody);
      const payload = JSON.parse(response.text) as { result?: { isError?: boolean } };
      if (response.status !== 200 || payload.result?.isError)
        throw new Error(`MCP call failed: ${response.text}`);
    });
    // One caller token per user question (three calls each); every call is signed afresh.
    let n = 0;
    const viaInternal = await time(calls, warmup, async () => {
      const question = { ...caller, requestId: `bench-${Math.floor(n++ / 3)}` };
      const { url, init } = await internal.prepare(question, "lookup_event", SAMPLE_ARGUMENTS.lookup_event);
      const response = await http.post(new URL(url).pathname, init.headers, init.body);
      if (response.status !== 200) throw new Error(`internal call failed: ${response.text}`);
    });

    const throughput = [];
    for (const connections of [1, 16, 64]) {
      throughput.push(
        await load(`${gateway.url}/mcp`, mcpHeaders(token), mcpBody, connections, options.seconds),
      );
    }

    const perTool: GatewayBenchResult["perTool"] = [];
    for (const tool of allTools) {
      const args = SAMPLE_ARGUMENTS[tool.name];
      if (!args) continue;
      let i = 0;
      const stats = await time(Math.min(calls, 300), 20, async () => {
        const question = `tool-${tool.name}-${Math.floor(i++ / 2)}`;
        const { url, init } = await internal.prepare({ ...caller, requestId: question }, tool.name, args);
        const r = await http.post(new URL(url).pathname, init.headers, init.body);
        if (r.status !== 200) throw new Error(`${tool.name} failed: ${r.text}`);
      });
      perTool.push({ tool: tool.name, ...stats });
    }

    const [version] = await sql<{ v: string }[]>`select current_setting('server_version') as v`;
    return {
      suite: "gateway",
      scale,
      lookupEvent: {
        direct,
        internal: viaInternal,
        mcp: viaMcp,
        mcpOverheadP50Ms: Number((viaMcp.p50 - direct.p50).toFixed(3)),
      },
      throughput,
      perTool,
      node: process.versions.node,
      postgres: version?.v ?? "unknown",
      at: new Date().toISOString(),
    };
  } finally {
    client?.close();
    await stopGateway?.();
    await sql.end();
    await db.close();
  }
}

export function printGatewayTable(result: GatewayBenchResult): void {
  const row = (label: string, p: Percentiles) =>
    `${label.padEnd(26)} ${p.p50.toFixed(2).padStart(8)} ${p.p95.toFixed(2).padStart(8)} ${p.p99.toFixed(2).padStart(8)}`;
  console.log(
    `\ngateway benchmark — scale ${result.scale}, PostgreSQL ${result.postgres}, Node ${result.node}`,
  );
  console.log(
    `${"lookup_event by eid".padEnd(26)} ${"p50 ms".padStart(8)} ${"p95 ms".padStart(8)} ${"p99 ms".padStart(8)}`,
  );
  console.log(row("direct SQL (postgres.js)", result.lookupEvent.direct));
  console.log(row("internal REST (signed)", result.lookupEvent.internal));
  console.log(row("MCP over HTTP", result.lookupEvent.mcp));
  console.log(`MCP p50 overhead over direct SQL: ${result.lookupEvent.mcpOverheadP50Ms.toFixed(2)} ms`);
  console.log(
    `\n${"MCP load (autocannon)".padEnd(26)} ${"req/s".padStart(8)} ${"p50 ms".padStart(8)} ${"p99 ms".padStart(8)} ${"errors".padStart(8)}`,
  );
  for (const t of result.throughput) {
    console.log(
      `${`concurrency ${t.concurrency}`.padEnd(26)} ${String(t.requestsPerSecond).padStart(8)} ${String(t.p50).padStart(8)} ${String(t.p99).padStart(8)} ${String(t.errors).padStart(8)}`,
    );
  }
  console.log(
    `\n${"per tool (internal REST)".padEnd(26)} ${"p50 ms".padStart(8)} ${"p95 ms".padStart(8)} ${"p99 ms".padStart(8)}`,
  );
  for (const t of result.perTool) console.log(row(t.tool, t));
}
