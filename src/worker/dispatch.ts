import type { Sql } from "../db/index.ts";
import { slotKey } from "./schedule-rules.ts";

/** A schedule that is due, and the slot it is due for. */
export interface DueSlot {
  scheduleId: string;
  eid: string;
  slot: string;
}

/** Most due schedules one dispatch pass enqueues; the rest follow on the next pass. */
export const DISPATCH_BATCH = 100;

/**
 * Live schedules (active or paused) whose auto_stop_at has passed become `completed`. Returns how
 * many. A paused schedule of a finished event would otherwise stay live and block a new one.
 */
export async function completeExpiredSchedules(sql: Sql): Promise<number> {
  const rows = await sql`
    update esbmcp_scheduled_chart_jobs
    set status = 'completed', last_status = 'completed', lease_owner = null, lease_expires_at = null,
        updated_at = now()
    where status in ('active', 'paused') and auto_stop_at <= now()
    returning id`;
  return rows.length;
}

/** Active schedules whose next_run_at has come, oldest first; each is due for the slot of next_run_at. */
export async function dueSlots(sql: Sql, limit = DISPATCH_BATCH): Promise<DueSlot[]> {
  const rows = await sql<{ id: string; eid: string; next_run_at: Date }[]>`
    select id, eid, next_run_at from esbmcp_scheduled_chart_jobs
    where status = 'active' and next_run_at <= now()
    order by next_run_at, id
    limit ${limit}`;
  return rows.map((r) => ({ scheduleId: r.id, eid: r.eid, slot: slotKey(r.next_run_at) }));
}
