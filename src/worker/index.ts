export {
  type Attempt,
  type ChartBuilder,
  type ChartPostJob,
  type ChartPostOutcome,
  postChartSlot,
  type SkipReason,
} from "./chart-post.ts";
export { startConfiguredWorker } from "./configured.ts";
export { completeExpiredSchedules, type DueSlot, dueSlots } from "./dispatch.ts";
export { type ChartPostText, chartPostText } from "./post-text.ts";
export { type RetentionResult, retentionTotal, runRetention } from "./retention.ts";
export {
  AUTO_STOP_AFTER_START_MS,
  CADENCES,
  type Cadence,
  CHART_POST_QUEUE,
  cadenceIntervalDays,
  changedEnough,
  computeNextRun,
  JOBS_SCHEMA,
  type LastPosted,
  RETENTION_CRON,
  RETENTION_QUEUE,
  slotKey,
} from "./schedule-rules.ts";
export {
  DEFAULT_RETRY,
  type RetryPolicy,
  type RunningWorker,
  startWorker,
  type WorkerOptions,
} from "./worker.ts";
