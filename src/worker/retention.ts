import type { Sql } from "../db/index.ts";

export interface RetentionResult {
  retentionDays: number;
  /** What esbmcp_cleanup_old_data returned: the cutoff and a count per esbmcp_ table. */
  esbmcp: { cutoff?: string; deleted?: Record<string, number>; [key: string]: unknown };
  /** Stored chart images deleted (arthur_images older than the window). */
  images: number;
  /** Rate-limit rows whose state has run out (nothing left to remember). */
  rateLimits: number;
  /** Delivery records: Slack event keys older than a day; reply links and webhook deliveries older than the window. */
  slack: number;
}

/**
 * Delete what is older than `retentionDays`: every esbmcp_ table through esbmcp_cleanup_old_data
 * (migration 0005), stored images and spent rate-limit rows, in one transaction. The worker runs it daily.
 */
export async function runRetention(sql: Sql, retentionDays: number): Promise<RetentionResult> {
  return sql.begin(async (tx) => {
    const [row] = await tx<{ result: RetentionResult["esbmcp"] }[]>`
      select esbmcp_cleanup_old_data(${retentionDays}::int) as result`;
    const images = await tx`
      delete from arthur_images where created_at < now() - make_interval(days => ${retentionDays}::int)`;
    const rateLimits = await tx`delete from arthur_rate_limits where tat < now()`;
    // Slack retries an event within minutes; a day of keys is plenty to answer each once.
    const events = await tx`delete from arthur_slack_events where received_at < now() - interval '1 day'`;
    const replies = await tx`
      delete from arthur_slack_replies where created_at < now() - make_interval(days => ${retentionDays}::int)`;
    // Webhook delivery ids: providers redeliver within hours; the rows are kept as long as the rest.
    const deliveries = await tx`
      delete from arthur_webhook_deliveries where received_at < now() - make_interval(days => ${retentionDays}::int)`;
    return {
      retentionDays,
      esbmcp: row?.result ?? {},
      images: images.count,
      rateLimits: rateLimits.count,
      slack: events.count + replies.count + deliveries.count,
    };
  }) as Promise<RetentionResult>;
}

/** Total rows deleted, for the log line. */
export function retentionTotal(result: RetentionResult): number {
  const tables = Object.values(result.esbmcp.deleted ?? {}).reduce((a, b) => a + Number(b), 0);
  return tables + result.images + result.rateLimits + result.slack;
}
