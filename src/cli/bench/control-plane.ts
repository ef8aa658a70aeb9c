import { createHmac, randomUUID } from "node:crypto";
import type { AssistantAnswer } from "../../assistant/index.ts";
import { loadConfig } from "../../config/index.ts";
import { startControlPlane, Tenants } from "../../control-plane/index.ts";
import { createSql, migrateArthur, openDatabase, withDatabaseName } from "../../db/index.ts";
import { buildRegistry } from "../../gateway/index.ts";
import { createLogger } from "../../observability/index.ts";
import { allTools } from "../../packs/index.ts";
import { loadRuntime } from "../runtime.ts";
import { type Percentiles, percentiles } from "./percentiles.ts";

const BENCH_DATABASE = "arthur_bench_control_plane";
const SECRET = "bench-pagerduty-secret-0123456789";

export interface ControlPlaneBenchResult {
  suite: "control-plane";
  teams: number;
  routes: number;
  /** Signed PagerDuty deliveries, one at a time: the time to the 202 (verify, claim, route, enqueue). */
  ackSequential: Percentiles;
  /** The same delivery again: the time to its "duplicate" answer. */
  ackDuplicate: Percentiles;
  /** Deliveries at concurrency 32. */
  concurrent: Percentiles & { concurrency: number; perSecond: number };
  /** From the first delivery of the concurrent burst until every run is recorded (the queue drained). */
  drain: { runs: number; seconds: number; runsPerSecond: number };
  /** Routing lookups from the cached copy, and the first lookup after a change (a reload of every route). */
  routeCached: Percentiles;
  routeAfterChange: Percentiles;
  node: string;
  at: string;
}

function pagerDutyBody(serviceId: string): string {
  return JSON.stringify({
    event: {
      id: randomUUID(),
      event_type: "incident.triggered",
      resource_type: "incident",
      occurred_at: new Date().toISOString(),
      data: {
        id: randomUUID().slice(0, 8),
        type: "incident",
        html_url: "https://example.pagerduty.com/incidents/X",
        status: "triggered",
        title: "Voting down at AB4023",
        service: { id: serviceId, summary: "Voting API", type: "service_reference" },
      },
    },
  });
}

async function deliver(url: string, body: string): Promise<{ ms: number; status: number }> {
  const signature = `v1=${createHmac("sha256", SECRET).update(body).digest("hex")}`;
  const started = performance.now();
  const response = await fetch(`${url}/webhooks/pagerduty`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-pagerduty-signature": signature },
    body,
  });
  await response.arrayBuffer();
  return { ms: performance.now() - started, status: response.status };
}

/**
 * The control plane's webhook ingress on a database of its own: 1,000 teams with four routing
 * identifiers each; signed PagerDuty deliveries through the real HTTP server, queue and worker. The
 * assistant is a stand-in that answers at once, so the figures are the control plane's own.
 */
export async function benchControlPlane(options: { deliveries: number }): Promise<ControlPlaneBenchResult> {
  const rt = loadRuntime();
  const db = await openDatabase(rt.config, rt.logger);
  try {
    await db.sql.unsafe(`drop database if exists "${BENCH_DATABASE}" with (force)`);
    await db.sql.unsafe(`create database "${BENCH_DATABASE}"`);
    const url = withDatabaseName(db.url, BENCH_DATABASE);
    const sql = createSql(url, { maxConnections: 8, applicationName: "arthur-bench-control-plane" });
    try {
      await migrateArthur(sql);
      const tenants = new Tenants(sql);
      const teams = 1000;
      await tenants.createOrg("bench", "Bench");
      await sql`insert into arthur_teams (org_id, id, name) select 'bench', 'team-' || g, 'Team ' || g from generate_series(1, ${teams}) g`;
      await sql`
        insert into arthur_routes (kind, value, org_id, team_id)
        select k.kind, k.prefix || g, 'bench', 'team-' || g
        from generate_series(1, ${teams}) g,
          (values ('slack_channel', 'C0BENCH'), ('github_repo', 'bench/repo-'), ('pagerduty_service', 'PBENCH'),
                  ('incidentio_alert_source', 'ALERTSRC')) as k(kind, prefix)`;
      const config = loadConfig(
        { CONTROL_PLANE_PORT: "0", PAGERDUTY_WEBHOOK_SECRET: SECRET, LOG_LEVEL: "silent" },
        { dotEnvPath: null },
      );
      const answer = { sessionId: "", text: "ok", tools: [] } as unknown as AssistantAnswer;
      const controlPlane = await startControlPlane({
        sql,
        databaseUrl: url,
        config,
        logger: createLogger("silent"),
        version: "bench",
        assistant: { answer: async () => answer },
        registry: buildRegistry(allTools, config),
        slack: { app: null, client: null },
        cluster: null,
      });
      try {
        const service = (i: number) => `PBENCH${(i % teams) + 1}`;
        const sequential: number[] = [];
        const duplicate: number[] = [];
        for (let i = 0; i < options.deliveries; i++) {
          const body = pagerDutyBody(service(i));
          sequential.push((await deliver(controlPlane.url, body)).ms);
          if (i % 10 === 0) duplicate.push((await deliver(controlPlane.url, body)).ms);
        }
        const concurrency = 32;
        const burst = Array.from({ length: options.deliveries }, (_, i) => pagerDutyBody(service(i)));
        const concurrent: number[] = [];
        const burstStarted = performance.now();
        let next = 0;
        await Promise.all(
          Array.from({ length: concurrency }, async () => {
            while (next < burst.length) {
              const body = burst[next++] as string;
              concurrent.push((await deliver(controlPlane.url, body)).ms);
            }
          }),
        );
        const burstSeconds = (performance.now() - burstStarted) / 1000;
        await controlPlane.idle();
        const drainSeconds = (performance.now() - burstStarted) / 1000;
        const [runs] = await sql<{ n: number }[]>`select count(*)::int as n from arthur_agent_runs`;

        const cached: number[] = [];
        const afterChange: number[] = [];
        for (let i = 0; i < 2000; i++) {
          const started = performance.now();
          await tenants.route({ kind: "pagerduty_service", value: service(i) });
          cached.push(performance.now() - started);
        }
        for (let i = 0; i < 50; i++) {
          await sql`insert into arthur_routes (kind, value, org_id, team_id) values ('slack_channel', ${`C0CHANGE${i}`}, 'bench', 'team-1')`;
          const started = performance.now();
          await tenants.route({ kind: "pagerduty_service", value: service(i) });
          afterChange.push(performance.now() - started);
        }
        return {
          suite: "control-plane",
          teams,
          routes: teams * 4,
          ackSequential: percentiles(sequential),
          ackDuplicate: percentiles(duplicate),
          concurrent: {
            ...percentiles(concurrent),
            concurrency,
            perSecond: Math.round(burst.length / burstSeconds),
          },
          drain: {
            runs: runs?.n ?? 0,
            seconds: Number(drainSeconds.toFixed(2)),
            runsPerSecond: Math.round((runs?.n ?? 0) / 2 / drainSeconds),
          },
          routeCached: percentiles(cached),
          routeAfterChange: percentiles(afterChange),
          node: process.versions.node,
          at: new Date().toISOString(),
        };
      } finally {
        await controlPlane.close();
      }
    } finally {
      await sql.end();
    }
  } finally {
    await db.close();
  }
}

export function printControlPlaneTable(result: ControlPlaneBenchResult): void {
  console.log(
    `\ncontrol-plane benchmark — ${result.teams.toLocaleString("en-US")} teams, ${result.routes.toLocaleString("en-US")} routing identifiers, Node ${result.node}`,
  );
  const row = (label: string, p: Percentiles, extra = "") =>
    `${label.padEnd(42)} ${String(p.calls).padStart(6)} ${p.p50.toFixed(2).padStart(8)} ${p.p95.toFixed(2).padStart(8)} ${p.p99.toFixed(2).padStart(8)}  ${extra}`;
  console.log(
    `${"".padEnd(42)} ${"calls".padStart(6)} ${"p50 ms".padStart(8)} ${"p95 ms".padStart(8)} ${"p99 ms".padStart(8)}`,
  );
  console.log(row("PagerDuty delivery → 202 (sequential)", result.ackSequential));
  console.log(row("redelivery → duplicate", result.ackDuplicate));
  console.log(
    row(
      `deliveries at concurrency ${result.concurrent.concurrency}`,
      result.concurrent,
      `${result.concurrent.perSecond}/s`,
    ),
  );
  console.log(row("route lookup (cached)", result.routeCached));
  console.log(row("route lookup after a change (reload)", result.routeAfterChange));
  console.log(
    `queue drained: ${result.drain.runs} runs recorded ${result.drain.seconds} s after the burst began (assistant stand-in)`,
  );
}
