import type { Caller } from "../catalog/index.ts";
import type { Sql } from "../db/index.ts";
import type { GatewayMetrics, Logger } from "../observability/index.ts";

export interface ExecutionRecord {
  id: string;
  requestId: string;
  caller: Caller;
  toolName: string;
  domain: string;
  risk: string;
  argumentsHash: string;
  argumentsKeys: string[];
  argumentsPreview: Record<string, unknown>;
  ok: boolean;
  resultKeys: string[];
  resultRowCount: number | null;
  truncated: boolean;
  startedAt: Date;
  completedAt: Date;
  durationMs: number;
  errorCode: string | null;
  errorMessage: string | null;
}

export interface AuditEvent {
  requestId: string;
  caller: Caller | null;
  eventType: string;
  toolName: string | null;
  targetEntity: string | null;
  detail: Record<string, unknown>;
  ipAddress: string | null;
  at: Date;
}

export interface ErrorRecord {
  executionId: string;
  requestId: string;
  caller: Caller;
  toolName: string;
  domain: string;
  argumentsHash: string;
  argumentsPreview: Record<string, unknown>;
  errorType: "sql_error" | "timeout" | "upstream" | "unknown";
  message: string;
  code: string | null;
  detail: string | null;
  hint: string | null;
  position: string | null;
  queryPreview: string | null;
  at: Date;
}

interface Queues {
  executions: ExecutionRecord[];
  events: AuditEvent[];
  errors: ErrorRecord[];
}
type Queue = keyof Queues;

/**
 * Insert a batch as one JSON parameter: JSON.stringify is native and one value replaces thousands
 * of individually serialised parameters, which matters when audit rows arrive thousands a second.
 */
async function insertRows(sql: Sql, table: string, rows: Record<string, unknown>[]): Promise<void> {
  const columns = Object.keys(rows[0] ?? {}).map((column) => sql(column));
  if (!columns.length) return;
  // A comma-separated identifier list as a fragment (postgres.js's sql(array) means rows after "insert").
  const list = columns
    .slice(1)
    .reduce((joined, column) => sql`${joined}, ${column}` as never, columns[0] as never);
  await sql`
    insert into ${sql(table)} (${list})
    select ${list} from jsonb_populate_recordset(null::${sql(table)}, ${sql.json(rows as never)})`;
}

export interface AuditWriterOptions {
  gatewayVersion: string;
  /** Rows held in memory at most, over all queues; beyond it the oldest are dropped (and counted). */
  maxBuffered?: number;
  batchSize?: number;
  flushIntervalMs?: number;
}

/**
 * Writes audit rows off the request path: calls enqueue, a timer writes batches. A failed batch is
 * put back and retried with backoff; only a full buffer drops rows, and every drop is counted.
 */
export class AuditWriter {
  readonly #sql: Sql;
  readonly #logger: Logger;
  readonly #metrics: GatewayMetrics;
  readonly #version: string;
  readonly #max: number;
  readonly #batch: number;
  readonly #interval: number;
  readonly #queues: Queues = {
    executions: [],
    events: [],
    errors: [],
  };
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> | undefined;
  #failures = 0;
  #closed = false;

  constructor(sql: Sql, logger: Logger, metrics: GatewayMetrics, options: AuditWriterOptions) {
    this.#sql = sql;
    this.#logger = logger;
    this.#metrics = metrics;
    this.#version = options.gatewayVersion;
    this.#max = options.maxBuffered ?? 20_000;
    this.#batch = options.batchSize ?? 1000;
    this.#interval = options.flushIntervalMs ?? 100;
  }

  get depth(): number {
    return this.#queues.executions.length + this.#queues.events.length + this.#queues.errors.length;
  }

  execution(record: ExecutionRecord): void {
    this.#push("executions", record);
  }

  event(record: AuditEvent): void {
    this.#push("events", record);
  }

  error(record: ErrorRecord): void {
    this.#push("errors", record);
  }

  /** Write everything buffered now (tests, shutdown). Retries until written or `deadlineMs` passes. */
  async flush(deadlineMs = 10_000): Promise<void> {
    const until = Date.now() + deadlineMs;
    // A batch the timer already took off the queues is not in `depth` but not written yet either.
    await this.#flushing;
    while (this.depth > 0 && Date.now() < until) {
      await this.#flushOnce();
      if (this.depth > 0 && this.#failures > 0) await new Promise((r) => setTimeout(r, 200));
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#flushing;
    await this.flush();
    if (this.depth > 0)
      this.#logger.error({ lost: this.depth }, "audit rows could not be written before shutdown");
  }

  #push<Q extends Queue>(queue: Q, record: Queues[Q][number]): void {
    if (this.depth >= this.#max) {
      // Drop the oldest row of the longest queue: recent activity matters most when catching up.
      const longest = (Object.keys(this.#queues) as Queue[]).sort(
        (a, b) => this.#queues[b].length - this.#queues[a].length,
      )[0];
      if (longest) this.#queues[longest].shift();
      this.#metrics.auditDropped.inc();
    }
    (this.#queues[queue] as unknown[]).push(record);
    this.#metrics.auditBuffered.set(this.depth);
    this.#schedule(this.depth >= this.#batch ? 0 : this.#interval);
  }

  #schedule(delayMs: number): void {
    if (this.#closed || this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#flushOnce().then(() => {
        if (this.depth > 0) this.#schedule(this.#failures ? Math.min(5000, 100 * 2 ** this.#failures) : 0);
      });
    }, delayMs);
    this.#timer.unref();
  }

  #flushOnce(): Promise<void> {
    this.#flushing ??= this.#writeBatches().finally(() => {
      this.#flushing = undefined;
      this.#metrics.auditBuffered.set(this.depth);
    });
    return this.#flushing;
  }

  async #writeBatches(): Promise<void> {
    const executions = this.#queues.executions.splice(0, this.#batch);
    const events = this.#queues.events.splice(0, this.#batch);
    const errors = this.#queues.errors.splice(0, this.#batch);
    if (!executions.length && !events.length && !errors.length) return;
    try {
      await this.#sql.begin(async (tx) => {
        const sql = tx as unknown as Sql;
        if (executions.length) await this.#insertExecutions(sql, executions);
        if (events.length) await this.#insertEvents(sql, events);
        if (errors.length) await this.#insertErrors(sql, errors);
      });
      this.#failures = 0;
    } catch (error) {
      this.#failures++;
      this.#metrics.auditWriteFailures.inc();
      if (this.#failures === 1 || this.#failures % 20 === 0) {
        this.#logger.warn({ err: String(error), buffered: this.depth }, "audit write failed; will retry");
      }
      this.#queues.executions.unshift(...executions);
      this.#queues.events.unshift(...events);
      this.#queues.errors.unshift(...errors);
    }
  }

  async #insertExecutions(sql: Sql, rows: ExecutionRecord[]): Promise<void> {
    const values = rows.map((r) => ({
      id: r.id,
      request_id: r.requestId,
      session_id: r.caller.sessionId,
      slack_user_id: r.caller.userId,
      slack_team_id: r.caller.teamId,
      slack_channel_id: r.caller.channelId,
      user_role: r.caller.role,
      tool_name: r.toolName,
      domain: r.domain,
      risk_level: r.risk,
      arguments_hash: r.argumentsHash,
      arguments_keys: r.argumentsKeys,
      arguments_preview: r.argumentsPreview,
      arguments_redacted: true,
      ok: r.ok,
      result_keys: r.resultKeys,
      result_row_count: r.resultRowCount,
      result_truncated: r.truncated,
      has_error_field: false,
      duration_ms: Math.round(r.durationMs),
      started_at: r.startedAt,
      completed_at: r.completedAt,
      created_at: r.completedAt,
      error_code: r.errorCode,
      error_message: r.errorMessage,
    }));
    await insertRows(sql, "esbmcp_tool_executions", values);
  }

  async #insertEvents(sql: Sql, rows: AuditEvent[]): Promise<void> {
    const values = rows.map((r) => ({
      request_id: r.requestId,
      session_id: r.caller?.sessionId ?? null,
      slack_user_id: r.caller?.userId ?? null,
      slack_team_id: r.caller?.teamId ?? null,
      slack_channel_id: r.caller?.channelId ?? null,
      user_role: r.caller?.role ?? null,
      ip_address: r.ipAddress,
      event_type: r.eventType,
      tool_name: r.toolName,
      target_entity: r.targetEntity,
      detail: { ...r.detail, via: r.caller?.via ?? null },
      gateway_version: this.#version,
      created_at: r.at,
    }));
    await insertRows(sql, "esbmcp_audit_log", values);
  }

  async #insertErrors(sql: Sql, rows: ErrorRecord[]): Promise<void> {
    const values = rows.map((r) => ({
      execution_id: r.executionId,
      request_id: r.requestId,
      session_id: r.caller.sessionId,
      slack_user_id: r.caller.userId,
      user_role: r.caller.role,
      tool_name: r.toolName,
      domain: r.domain,
      arguments_hash: r.argumentsHash,
      arguments_preview: r.argumentsPreview,
      error_type: r.errorType,
      error_message: r.message,
      error_code: r.code,
      error_detail: r.detail,
      error_hint: r.hint,
      error_position: r.position,
      sql_query_preview: r.queryPreview,
      created_at: r.at,
    }));
    await insertRows(sql, "esbmcp_tool_errors", values);
  }
}
