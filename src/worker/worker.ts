import { type JobWithMetadata, PgBoss, type Queue } from "pg-boss";
import type { Config } from "../config/index.ts";
import type { Sql } from "../db/index.ts";
import type { Logger } from "../observability/index.ts";
import { buildPaceChart } from "../packs/eventbrite-charts/chart.ts";
import type { SlackClient } from "../slack/index.ts";
import {
  type ChartBuilder,
  type ChartPostDeps,
  type ChartPostJob,
  type ChartPostOutcome,
  postChartSlot,
} from "./chart-post.ts";
import { completeExpiredSchedules, dueSlots } from "./dispatch.ts";
import { retentionTotal, runRetention } from "./retention.ts";
import { CHART_POST_QUEUE, JOBS_SCHEMA, RETENTION_CRON, RETENTION_QUEUE } from "./schedule-rules.ts";

/** How a failed chart post is retried: pg-boss waits retryDelay × 2^n seconds (with jitter) when backoff is on. */
export interface RetryPolicy {
  limit: number;
  delaySeconds: number;
  backoff: boolean;
  maxDelaySeconds: number;
}

/** About 30 s, 1, 2, 4 and 8 minutes (with jitter): a Slack outage of a quarter of an hour is ridden out. */
export const DEFAULT_RETRY: RetryPolicy = { limit: 5, delaySeconds: 30, backoff: true, maxDelaySeconds: 900 };

export interface WorkerOptions {
  /** Arthur's pool, for the schedule and log tables. */
  sql: Sql;
  /** pg-boss opens its own small pool on the same database. */
  databaseUrl: string;
  config: Config;
  logger: Logger;
  /** Without a Slack client nothing is posted: schedules stay due and are left alone. */
  slack?: SlackClient | null;
  buildChart?: ChartBuilder;
  retry?: Partial<RetryPolicy>;
  /** How long stop() lets a running job finish. */
  stopTimeoutMs?: number;
}

export interface RunningWorker {
  /** One line for people: what this worker does. */
  readonly description: string;
  /** Run a dispatch pass now (also runs every WORKER_POLL_MS); resolves with the jobs enqueued. */
  dispatch(): Promise<number>;
  /** Stop dispatching, let a running job finish (up to the stop timeout), close pg-boss's pool. */
  stop(): Promise<void>;
}

type QueueSettings = Omit<Queue, "name" | "retryDelayMax"> & { retryDelayMax?: number | null };

async function ensureQueue(boss: PgBoss, name: string, options: QueueSettings): Promise<void> {
  const { retryDelayMax, ...rest } = options;
  await boss.createQueue(name, retryDelayMax == null ? rest : { ...rest, retryDelayMax });
  // createQueue leaves an existing queue as it was: apply this version's settings to it.
  const { policy: _policy, ...settings } = options;
  await boss.updateQueue(name, settings);
}

function isChartPostJob(data: unknown): data is ChartPostJob {
  const d = data as Partial<ChartPostJob> | null;
  return typeof d?.scheduleId === "string" && typeof d.slot === "string";
}

function logOutcome(logger: Logger, job: ChartPostJob, outcome: ChartPostOutcome): void {
  const fields = { scheduleId: job.scheduleId, slot: job.slot, outcome: outcome.kind };
  if (outcome.kind === "failed")
    logger.error({ ...fields, error: outcome.error }, "chart post gave up on this slot");
  else if (outcome.kind === "posted" || outcome.kind === "skipped")
    logger.info({ ...fields, ...outcome }, "chart slot done");
  else logger.debug(fields, "chart slot needed nothing");
}

async function setUpRetention(boss: PgBoss, sql: Sql, retentionDays: number, log: Logger): Promise<void> {
  await ensureQueue(boss, RETENTION_QUEUE, {
    policy: "exclusive",
    retryLimit: 2,
    retryDelay: 300,
    expireInSeconds: 3600,
  });
  // Upserted by every worker; pg-boss creates one job per occurrence for the whole cluster.
  await boss.schedule(RETENTION_QUEUE, RETENTION_CRON, null, { tz: "UTC" });
  await boss.work(RETENTION_QUEUE, { pollingIntervalSeconds: 30 }, async () => {
    const result = await runRetention(sql, retentionDays);
    log.info({ ...result, total: retentionTotal(result) }, "retention: old rows deleted");
    return { total: retentionTotal(result), images: result.images };
  });
}

/** The chart-post queue, and a pg-boss worker on it when Slack is configured; returns that worker's id. */
async function setUpChartPosts(
  boss: PgBoss,
  retry: RetryPolicy,
  deps: ChartPostDeps | null,
  pollMs: number,
): Promise<string | null> {
  await ensureQueue(boss, CHART_POST_QUEUE, {
    // At most one job per (schedule, slot) singleton key is queued, retrying or running at a time.
    policy: "exclusive",
    retryLimit: retry.limit,
    retryDelay: retry.delaySeconds,
    retryBackoff: retry.backoff,
    // pg-boss accepts a cap only with backoff; null clears one an earlier start may have set.
    retryDelayMax: retry.backoff ? retry.maxDelaySeconds : null,
    expireInSeconds: 300,
    deleteAfterSeconds: 2 * 86_400,
  });
  if (!deps) return null;
  const pollingIntervalSeconds = Math.min(5, Math.max(0.5, pollMs / 1000));
  return boss.work(
    CHART_POST_QUEUE,
    { includeMetadata: true, batchSize: 1, pollingIntervalSeconds },
    async (jobs: JobWithMetadata<ChartPostJob>[]) => {
      const outcomes: ChartPostOutcome[] = [];
      for (const job of jobs) {
        if (!isChartPostJob(job.data)) continue;
        const attempt = { retryCount: job.retryCount, retryLimit: job.retryLimit };
        const outcome = await postChartSlot(deps, job.data, attempt);
        logOutcome(deps.logger, job.data, outcome);
        outcomes.push(outcome);
      }
      return outcomes[0] ?? null;
    },
  );
}

/**
 * One dispatch pass: complete expired schedules, then enqueue a chart-post job per due (schedule,
 * slot). The singleton key makes a second dispatcher's send a no-op while that job is pending.
 */
async function dispatchPass(
  boss: PgBoss,
  sql: Sql,
  chartWorkerId: string | null,
  log: Logger,
): Promise<number> {
  const completed = await completeExpiredSchedules(sql);
  if (completed) log.info({ completed }, "chart schedules past their auto-stop time completed");
  if (!chartWorkerId) return 0;
  let sent = 0;
  for (const due of await dueSlots(sql)) {
    const data = { scheduleId: due.scheduleId, slot: due.slot } satisfies ChartPostJob;
    if (await boss.send(CHART_POST_QUEUE, data, { singletonKey: `${due.scheduleId}@${due.slot}` })) sent += 1;
  }
  if (sent) boss.notifyWorker(chartWorkerId);
  return sent;
}

function describeWorker(config: Config, slack: boolean): string {
  const retention = `daily retention at 03:15 UTC (${config.worker.retentionDays} days)`;
  return slack
    ? `chart autoposts (due schedules checked every ${config.worker.pollMs / 1000}s, posted to Slack) and ${retention}`
    : `${retention}; chart autoposts off until SLACK_BOT_TOKEN is set`;
}

/**
 * Start the background worker on pg-boss (schema arthur_jobs): a dispatch pass at start and every
 * config.worker.pollMs enqueues one chart-post job per due (schedule, slot); chart-post jobs post
 * at most once per slot across workers; a cluster-wide cron runs retention daily at 03:15 UTC.
 * Throws when pg-boss cannot start (database unreachable).
 */
export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const { sql, config } = options;
  const log = options.logger.child({ component: "worker" });
  const slack = options.slack ?? null;
  const boss = new PgBoss({
    connectionString: options.databaseUrl,
    schema: JOBS_SCHEMA,
    max: 4,
    application_name: "arthur-worker",
    instanceName: "arthur-worker",
  });
  boss.on("error", (error) => log.error({ err: error.message }, "pg-boss error"));
  boss.on("warning", (warning) => log.warn({ data: warning.data }, `pg-boss: ${warning.message}`));
  await boss.start();
  let chartWorkerId: string | null;
  try {
    await setUpRetention(boss, sql, config.worker.retentionDays, log);
    const deps = slack ? { sql, slack, buildChart: options.buildChart ?? buildPaceChart, logger: log } : null;
    chartWorkerId = await setUpChartPosts(
      boss,
      { ...DEFAULT_RETRY, ...options.retry },
      deps,
      config.worker.pollMs,
    );
  } catch (error) {
    await boss.stop({ graceful: false }).catch(() => {});
    throw error;
  }
  if (!slack)
    log.warn("SLACK_BOT_TOKEN is not set: chart autoposts are not sent (due schedules are left as they are)");

  const dispatch = () => dispatchPass(boss, sql, chartWorkerId, log);
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    running = dispatch()
      .catch((error: unknown) => log.error({ err: String(error) }, "chart dispatch failed"))
      .finally(() => {
        if (!stopping) timer = setTimeout(tick, config.worker.pollMs);
      });
  };
  tick();
  await running;

  return {
    description: describeWorker(config, slack !== null),
    dispatch,
    async stop() {
      if (stopping) return;
      stopping = true;
      clearTimeout(timer);
      await running;
      await boss.stop({ graceful: true, close: true, timeout: options.stopTimeoutMs ?? 10_000 });
    },
  };
}
