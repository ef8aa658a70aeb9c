import type { WebClient } from "@slack/web-api";
import { type Job, PgBoss } from "pg-boss";
import { Counter, Registry } from "prom-client";
import type { Assistant } from "../assistant/index.ts";
import type { ToolRegistry } from "../catalog/index.ts";
import { type SlackApp, SlackPoster, SlackStore } from "../channels/index.ts";
import type { Config } from "../config/index.ts";
import { ping, type Sql } from "../db/index.ts";
import { listen, type RunningServer } from "../gateway/index.ts";
import type { Logger } from "../observability/index.ts";
import type { AlertTrigger } from "./alerts.ts";
import { createControlPlaneApp } from "./http.ts";
import { type Cluster, loadCluster } from "./k8s/index.ts";
import { Provisioner } from "./provision.ts";
import { runAlert } from "./runs.ts";
import { Tenants } from "./tenants.ts";
import type { AlertJob } from "./webhooks.ts";

/** The queue alert runs go through (pg-boss, in Arthur's jobs schema). */
export const ALERT_QUEUE = "control-plane-alert";
const JOBS_SCHEMA = "arthur_jobs";

export interface ControlPlaneOptions {
  sql: Sql;
  databaseUrl: string;
  config: Config;
  logger: Logger;
  version: string;
  assistant: Pick<Assistant, "answer">;
  registry: ToolRegistry;
  /** The Slack app (its routes serve /webhooks/slack/*) and a Web API client for posting runs. */
  slack: { app: SlackApp | null; client: WebClient | null };
  /** Kubernetes; default: from KUBECONFIG or the in-cluster configuration, else none (steps skipped). */
  cluster?: Cluster | null;
  /** Provisioning's wait for a team's lock (default 15 s). */
  lockTimeoutMs?: number;
}

export interface RunningControlPlane extends RunningServer {
  readonly tenants: Tenants;
  /** Where Kubernetes steps go, in words ("none: steps are skipped" without a cluster). */
  readonly kubernetes: string;
  /** Resolves when no alert run is in progress (tests). */
  idle(): Promise<void>;
}

function isAlertJob(data: unknown): data is AlertJob {
  const job = data as Partial<AlertJob> | null;
  return typeof job?.orgId === "string" && typeof job.teamId === "string" && typeof job.trigger === "object";
}

/**
 * The control plane: its HTTP server (webhooks, admin and team API) and the worker that carries out
 * alert runs from the queue — so a webhook is answered at once and a run survives a restart.
 */
export async function startControlPlane(options: ControlPlaneOptions): Promise<RunningControlPlane> {
  const { sql, config, logger } = options;
  const log = logger.child({ component: "control-plane" });
  const tenants = new Tenants(sql);
  const { controlPlane } = config;
  const cluster =
    options.cluster !== undefined
      ? options.cluster
      : loadCluster(
          {},
          {
            KUBECONFIG: controlPlane.kubernetes.kubeconfig,
            KUBERNETES_SERVICE_HOST: controlPlane.kubernetes.serviceHost,
            KUBERNETES_SERVICE_PORT: controlPlane.kubernetes.servicePort,
          },
        );
  const registry = new Registry();
  const webhooks = new Counter({
    name: "arthur_control_plane_webhooks_total",
    help: "Webhook deliveries by source and outcome (queued, duplicate, ignored, unrouted, refused)",
    labelNames: ["source", "outcome"],
    registers: [registry],
  });
  const runs = new Counter({
    name: "arthur_control_plane_agent_runs_total",
    help: "Alert runs by source and status",
    labelNames: ["source", "status"],
    registers: [registry],
  });

  const boss = new PgBoss({
    connectionString: options.databaseUrl,
    schema: JOBS_SCHEMA,
    max: 6,
    application_name: "arthur-control-plane",
  });
  boss.on("error", (error) => log.error({ err: error.message }, "pg-boss error"));
  await boss.start();
  const inFlight = new Set<Promise<unknown>>();
  try {
    await boss.createQueue(ALERT_QUEUE, {
      retryLimit: 2,
      retryDelay: 30,
      retryBackoff: true,
      expireInSeconds: 900,
    });
    const poster = new SlackPoster({
      store: new SlackStore(sql, options.version),
      registry: options.registry,
      loadImage: async () => null,
      approvers: config.identity.approvers,
      logger,
    });
    const runDeps = {
      sql,
      tenants,
      assistant: options.assistant,
      registry: options.registry,
      slack: options.slack.client ? { client: options.slack.client, poster } : null,
      logger: log,
    };
    const runOne = async (job: AlertJob) => {
      const work = runAlert(runDeps, job);
      inFlight.add(work);
      try {
        const result = await work;
        runs.inc({ source: job.trigger.source, status: result.status });
      } finally {
        inFlight.delete(work);
      }
    };
    // Up to eight runs at a time per replica (two workers, four jobs each), so a slow model or Slack
    // call does not hold up other teams' alerts; a full batch fetches the next one at once.
    const workerId = await boss.work(
      ALERT_QUEUE,
      { batchSize: 4, localConcurrency: 2, pollingIntervalSeconds: 0.5, burstWhenBatchFull: true },
      async (jobs: Job<AlertJob>[]) => {
        await Promise.all(jobs.map((job) => (isAlertJob(job.data) ? runOne(job.data) : undefined)));
      },
    );
    const app = createControlPlaneApp({
      tenants,
      webhooks: {
        sql,
        tenants,
        secrets: controlPlane.webhookSecrets,
        enqueue: async (job) => {
          await boss.send(ALERT_QUEUE, job as unknown as object);
          // This replica's worker starts on it now rather than at its next poll.
          boss.notifyWorker(workerId);
        },
        logger: log,
        count: (source, outcome) => webhooks.inc({ source, outcome }),
      },
      provisioner: new Provisioner({
        sql,
        tenants,
        cluster,
        namespace: controlPlane.namespace,
        image: controlPlane.image,
        envSecret: controlPlane.envSecret,
        logger: log,
        ...(options.lockTimeoutMs ? { lockTimeoutMs: options.lockTimeoutMs } : {}),
      }),
      agents: { tenants, assistant: options.assistant, registry: options.registry },
      slack: options.slack.app?.routes ?? null,
      metrics: { contentType: registry.contentType, render: () => registry.metrics() },
      checkDatabase: () => ping(sql),
      logger: log,
    });
    const server = await listen(app, controlPlane.host, controlPlane.port, "CONTROL_PLANE_PORT");
    return {
      ...server,
      tenants,
      kubernetes: cluster
        ? cluster.description
        : "none (no kubeconfig or in-cluster configuration): Kubernetes steps are skipped",
      async close() {
        await server.close();
        await boss.stop({ graceful: true, close: true, timeout: 10_000 });
      },
      async idle() {
        // pg-boss's own counts are refreshed by its monitor, not live: ask its job table.
        for (;;) {
          const [pending] = await sql<{ n: number }[]>`
            select count(*)::int as n from arthur_jobs.job
            where name = ${ALERT_QUEUE} and state in ('created', 'retry', 'active')`;
          if (inFlight.size === 0 && (pending?.n ?? 0) === 0) return;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      },
    };
  } catch (error) {
    await boss.stop({ graceful: false }).catch(() => {});
    throw error;
  }
}

export type { AlertTrigger };
