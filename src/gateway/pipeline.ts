import { createHash, randomUUID } from "node:crypto";
import type { z } from "zod";
import {
  type AnyTool,
  authorize,
  type Caller,
  checkApproval,
  type EdgeFunctions,
  type EventbriteApi,
  type ImageRef,
  type RedactionTally,
  redactFields,
  type ToolContext,
  ToolError,
  type ToolRegistry,
} from "../catalog/index.ts";
import type { Config } from "../config/index.ts";
import { isDatabaseUnavailable, type Sql } from "../db/index.ts";
import type { GatewayMetrics, Logger } from "../observability/index.ts";
import {
  cancelApproval,
  confirmApproval,
  consumeApproval,
  loadApproval,
  requestApproval,
  type StoredApproval,
} from "./approvals.ts";
import type { AuditWriter, ErrorRecord } from "./audit.ts";
import type { PgImageStore } from "./images.ts";

/** Argument keys that never carry personal data, so their values may be kept in the audit preview. */
const PREVIEW_KEYS = new Set([
  "eid",
  "round",
  "group_by",
  "search_by",
  "status",
  "hours_back",
  "audience_filter",
  "table_name",
  "limit",
  "priority",
  "related_eid",
  "force",
  "cadence",
  "action",
  "include_comparators",
  "force_rescore",
  "scope_type",
  "base_currency",
  "target_currency",
  "currency",
]);

export interface GatewayDeps {
  /** Arthur's own pool (approvals). */
  sql: Sql;
  /** Pool for tool calls: its connections carry the statement timeout and default to read-only. */
  toolSql: Sql;
  registry: ToolRegistry;
  audit: AuditWriter;
  metrics: GatewayMetrics;
  logger: Logger;
  tools: Config["tools"];
  /** Supabase Edge Functions for write tools (remote, or the local demo implementation). */
  edge: EdgeFunctions;
  /** Eventbrite's API, or null when no token is configured. */
  eventbrite: EventbriteApi | null;
  /** Where tools store rendered images (charts) and how they are linked. */
  images: PgImageStore;
  /** Who besides the requester may confirm or cancel a pending write (APPROVER_USER_IDS). */
  approvers?: readonly string[];
}

/** An image a call stored, with its bytes for channels that deliver images themselves. */
export interface CallImage {
  ref: ImageRef;
  png: Uint8Array;
}

export interface CallRequest {
  caller: Caller;
  toolName: string;
  arguments: unknown;
  requestId: string;
  ipAddress: string | null;
  /** Calls made so far in this request (one user question), per tool; enforces max calls. */
  callCounts?: Map<string, number>;
  /** A confirmed approval for exactly this call (tools that require approval). */
  approvalId?: string;
}

export interface CallResult {
  tool: string;
  result: unknown;
  /** Plain-text rendering for passthrough answers. */
  text: string;
  truncated: boolean;
  rowCount: number;
  durationMs: number;
  /** Images the call stored (the result refers to them by id and URL; never bytes in JSON). */
  images: CallImage[];
  /** Values masked in the result for this caller's role, by kind. */
  redactions: RedactionTally;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

export function argumentsHash(args: unknown): string {
  return createHash("sha256").update(canonicalJson(args)).digest("hex");
}

/** One key per approval: an approval is single-use, so the effect it allowed happens at most once. */
export function idempotencyKeyFor(approvalId: string): string {
  return `arthur-approval-${approvalId}`;
}

function preview(args: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(args).filter(([key]) => PREVIEW_KEYS.has(key)));
}

function describeIssues(issues: z.core.$ZodIssue[]): string {
  return issues.map((i) => `${i.path.length ? i.path.join(".") : "arguments"}: ${i.message}`).join("; ");
}

/** Cut top-level lists to the row cap; report how many rows the result carries. */
function capRows(result: unknown, rowCap: number): { result: unknown; rowCount: number; truncated: boolean } {
  if (Array.isArray(result)) {
    return {
      result: result.slice(0, rowCap),
      rowCount: Math.min(result.length, rowCap),
      truncated: result.length > rowCap,
    };
  }
  if (!result || typeof result !== "object") return { result, rowCount: 0, truncated: false };
  let rowCount = 0;
  let truncated = (result as { truncated?: unknown }).truncated === true;
  const shaped: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(result)) {
    if (Array.isArray(value)) {
      if (value.length > rowCap) truncated = true;
      shaped[key] = value.slice(0, rowCap);
      rowCount += Math.min(value.length, rowCap);
    } else shaped[key] = value;
  }
  if (truncated) shaped.truncated = true;
  return { result: shaped, rowCount, truncated };
}

/** What the pipeline has learnt about a call so far; the execution row is written from it. */
interface CallTrace {
  executionId: string;
  /** Known once the name resolves. */
  tool: AnyTool | undefined;
  /** As sent, then as validated. */
  args: Record<string, unknown>;
  hash?: string;
  /** The handler was started. */
  ran: boolean;
}

interface RunOutcome {
  tool: AnyTool;
  images: CallImage[];
  redactions: RedactionTally;
  result: unknown;
  rowCount: number;
  truncated: boolean;
}

interface PostgresLikeError {
  name?: string;
  code?: string;
  message: string;
  detail?: string;
  hint?: string;
  position?: string;
  query?: string;
}

/**
 * The one path every tool call takes, whatever the transport: resolve → validate → authorise →
 * call limit → approval → run (read-only transaction, statement timeout) → shape → redact → audit.
 */
export class ToolGateway {
  readonly #deps: GatewayDeps;
  readonly #inFlight = new Set<Promise<unknown>>();

  constructor(deps: GatewayDeps) {
    this.#deps = deps;
  }

  get registry(): ToolRegistry {
    return this.#deps.registry;
  }

  /** The tools this caller may call now. */
  toolsFor(caller: Caller): AnyTool[] {
    return this.#deps.registry.visibleTo(caller.role, this.#deps.tools.writesEnabled);
  }

  call(request: CallRequest): Promise<CallResult> {
    const running = this.#call(request);
    this.#inFlight.add(running);
    void running.then(
      () => this.#inFlight.delete(running),
      () => this.#inFlight.delete(running),
    );
    return running;
  }

  /** The requester confirms a pending approval; audited. */
  confirm(approvalId: string, caller: Caller): Promise<StoredApproval> {
    return this.#settle(approvalId, caller, "confirm");
  }

  /** The requester cancels a pending approval; audited. */
  cancel(approvalId: string, caller: Caller): Promise<StoredApproval> {
    return this.#settle(approvalId, caller, "cancel");
  }

  async #settle(approvalId: string, caller: Caller, action: "confirm" | "cancel"): Promise<StoredApproval> {
    const settle = action === "confirm" ? confirmApproval : cancelApproval;
    const approval = await settle(this.#deps.sql, approvalId, caller, this.#deps.approvers ?? []);
    this.#deps.audit.event({
      requestId: randomUUID(),
      caller,
      eventType: action === "confirm" ? "approval_confirmed" : "approval_cancelled",
      toolName: approval.toolName,
      targetEntity: null,
      detail: { approval_id: approval.id },
      ipAddress: null,
      at: new Date(),
    });
    return approval;
  }

  /** Record a refused authentication (no caller is known yet). */
  recordDenial(error: ToolError, toolName: string | null, ipAddress: string | null): void {
    this.#deps.audit.event({
      requestId: randomUUID(),
      caller: null,
      eventType: error.code === "REPLAYED" ? "replay_rejected" : "identity_denied",
      toolName,
      targetEntity: null,
      detail: { code: error.code, reason: error.message },
      ipAddress,
      at: new Date(),
    });
  }

  /** Wait for calls in progress (graceful shutdown). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.#inFlight]);
  }

  #event(
    request: CallRequest,
    eventType: string,
    toolName: string | null,
    detail: Record<string, unknown>,
  ): void {
    const eid = (request.arguments as { eid?: unknown } | null)?.eid;
    this.#deps.audit.event({
      requestId: request.requestId,
      caller: request.caller,
      eventType,
      toolName,
      targetEntity: typeof eid === "string" ? `event:${eid.toUpperCase()}` : null,
      detail,
      ipAddress: request.ipAddress,
      at: new Date(),
    });
  }

  /**
   * Every call leaves exactly one execution row, written here whatever happened: a result, a
   * refusal before running (unknown tool, bad arguments, denied, over the limit, awaiting
   * approval) or a failure while running, each with its code. Metrics are counted here too.
   */
  async #call(request: CallRequest): Promise<CallResult> {
    const started = performance.now();
    const startedAt = new Date();
    const raw = request.arguments && typeof request.arguments === "object" ? request.arguments : {};
    const trace: CallTrace = {
      executionId: randomUUID(),
      tool: undefined,
      args: raw as Record<string, unknown>,
      ran: false,
    };
    try {
      const outcome = await this.#run(request, trace);
      const durationMs = performance.now() - started;
      this.#finish(request, trace, startedAt, durationMs, { outcome });
      const { tool, result } = outcome;
      return {
        tool: tool.name,
        result,
        // Rendered on demand: MCP clients get structured results and never need the text.
        get text() {
          return tool.format(result);
        },
        truncated: outcome.truncated,
        rowCount: outcome.rowCount,
        durationMs,
        images: outcome.images,
        redactions: outcome.redactions,
      };
    } catch (error) {
      if (error instanceof ToolError) {
        this.#finish(request, trace, startedAt, performance.now() - started, { error });
      }
      throw error;
    }
  }

  /** The execution row and the call metrics for one finished call. */
  #finish(
    request: CallRequest,
    trace: CallTrace,
    startedAt: Date,
    durationMs: number,
    end: { outcome: RunOutcome } | { error: ToolError },
  ): void {
    const { tool, args } = trace;
    const outcome = "outcome" in end ? end.outcome : undefined;
    const error = "error" in end ? end.error : undefined;
    const result = outcome?.result;
    this.#deps.audit.execution({
      id: trace.executionId,
      requestId: request.requestId,
      caller: request.caller,
      toolName: tool?.name ?? request.toolName.slice(0, 200),
      domain: tool?.domain ?? "(unknown)",
      risk: tool?.policy.risk ?? "(unknown)",
      argumentsHash: trace.hash ?? argumentsHash(args),
      argumentsKeys: Object.keys(args).sort(),
      argumentsPreview: preview(args),
      startedAt,
      ok: !error,
      resultKeys: result && typeof result === "object" ? Object.keys(result).sort() : [],
      resultRowCount: outcome ? outcome.rowCount : null,
      truncated: outcome?.truncated ?? false,
      completedAt: new Date(),
      durationMs,
      errorCode: error?.code ?? null,
      errorMessage: error?.message ?? null,
    });
    const label = tool?.name ?? "(unknown)";
    this.#deps.metrics.toolCalls.inc({ tool: label, outcome: error?.code ?? "ok" });
    if (trace.ran) this.#deps.metrics.toolDuration.observe({ tool: label }, durationMs / 1000);
  }

  async #run(request: CallRequest, trace: CallTrace): Promise<RunOutcome> {
    const { registry, tools } = this.#deps;
    const { caller } = request;

    let tool: AnyTool;
    try {
      tool = registry.require(request.toolName);
    } catch (error) {
      this.#event(request, "tool_not_found", request.toolName, {});
      throw error;
    }
    trace.tool = tool;

    const parsed = tool.input.safeParse(request.arguments ?? {});
    if (!parsed.success) {
      const message = describeIssues(parsed.error.issues);
      this.#event(request, "invalid_arguments", tool.name, { issues: message });
      throw new ToolError("INVALID_ARGUMENT", `Invalid arguments for ${tool.name}: ${message}`, {
        issues: parsed.error.issues.map((i) => ({ field: i.path.join("."), message: i.message })),
      });
    }
    const args = parsed.data as Record<string, unknown>;
    trace.args = args;

    const decision = authorize(tool.name, tool.policy, caller.role, tools.writesEnabled);
    if (!decision.allowed) {
      const eventType = decision.code === "WRITES_DISABLED" ? "mutating_tool_blocked" : "role_denied";
      this.#event(request, eventType, tool.name, { reason: decision.reason });
      throw new ToolError(decision.code, decision.reason);
    }

    if (request.callCounts) {
      const made = request.callCounts.get(tool.name) ?? 0;
      if (made >= tool.policy.maxCallsPerRequest) {
        this.#event(request, "rate_limit_exceeded", tool.name, {
          scope: "calls_per_request",
          limit: tool.policy.maxCallsPerRequest,
        });
        throw new ToolError(
          "RATE_LIMITED",
          `${tool.name} may be called at most ${tool.policy.maxCallsPerRequest} time(s) per request`,
        );
      }
      request.callCounts.set(tool.name, made + 1);
    }

    trace.hash = argumentsHash(args);
    const approvalId = tool.policy.requiresApproval
      ? await this.#checkApproval(request, tool, args, trace.hash)
      : undefined;

    trace.ran = true;
    try {
      // The tool pool's transactions are read-only unless they ask otherwise, so a read tool runs
      // each statement in a read-only transaction without BEGIN/COMMIT round trips; a handler that
      // needs one snapshot across statements opens `ctx.sql.begin(...)` itself. Writes get one
      // explicit read-write transaction around the whole handler.
      const images: CallImage[] = [];
      const context = (sql: Sql): ToolContext => this.#context(sql, caller, approvalId, images);
      const raw = tool.policy.writes
        ? await this.#deps.toolSql.begin("read write", async (tx) => {
            // Used in the write's own transaction: a failed write leaves the approval usable.
            if (approvalId) await this.#consume(tx as unknown as Sql, approvalId);
            return tool.handler(args, context(tx as unknown as Sql));
          })
        : await (async () => {
            if (approvalId) await this.#consume(this.#deps.sql, approvalId);
            return tool.handler(args, context(this.#deps.toolSql));
          })();
      const shaped = capRows(raw, tools.rowCap);
      const redactions: RedactionTally = {};
      const result =
        caller.role === "ops" || !tool.pii
          ? shaped.result
          : redactFields(shaped.result, tool.pii, redactions);
      // One row records both the allow decision and the outcome (denials get rows of their own).
      this.#event(request, "tool_executed", tool.name, {
        execution_id: trace.executionId,
        decision: "role_allowed",
      });
      return { tool, result, rowCount: shaped.rowCount, truncated: shaped.truncated, images, redactions };
    } catch (thrown) {
      const error = this.#classify(thrown, tool, request, trace);
      this.#event(request, "tool_failed", tool.name, {
        execution_id: trace.executionId,
        decision: "role_allowed",
        code: error.code,
      });
      throw error;
    }
  }

  /** What a handler may use: its transaction, the outside systems, and the stores for its outputs. */
  #context(sql: Sql, caller: Caller, approvalId: string | undefined, images: CallImage[]): ToolContext {
    const { edge, eventbrite, tools } = this.#deps;
    const store = this.#deps.images;
    return {
      sql,
      caller,
      rowCap: tools.rowCap,
      edge,
      idempotencyKey: approvalId ? idempotencyKeyFor(approvalId) : null,
      eventbrite,
      images: {
        async save(image) {
          const ref = await store.save(image);
          images.push({ ref, png: image.png });
          return ref;
        },
        async reuse(kind, contentKey) {
          const found = await store.findByContent(kind, contentKey);
          if (found) images.push(found);
          return found?.ref ?? null;
        },
      },
      record: (work) => this.#deps.sql.begin((tx) => work(tx as unknown as Sql)) as never,
    };
  }

  /**
   * Without an approval id: record a pending approval for this exact call and stop with
   * APPROVAL_REQUIRED (the channel asks the requester to confirm). With one: it must be confirmed,
   * unused, unexpired, and bound to this requester, tool and arguments.
   */
  async #checkApproval(
    request: CallRequest,
    tool: AnyTool,
    args: Record<string, unknown>,
    hash: string,
  ): Promise<string> {
    const { sql } = this.#deps;
    if (!request.approvalId) {
      const pending = await requestApproval(sql, request.caller, tool.name, args, hash);
      this.#event(request, "confirmation_required", tool.name, { approval_id: pending.id });
      throw new ToolError("APPROVAL_REQUIRED", `${tool.name} needs your confirmation before it runs`, {
        approval_id: pending.id,
        expires_at: pending.expiresAt.toISOString(),
      });
    }
    const approval = await loadApproval(sql, request.approvalId);
    const check = checkApproval(approval, {
      userId: request.caller.userId,
      toolName: tool.name,
      argumentsHash: hash,
      now: new Date(),
    });
    if (!check.valid) {
      this.#event(request, "approval_rejected", tool.name, {
        approval_id: request.approvalId,
        reason: check.reason,
      });
      throw new ToolError("APPROVAL_REQUIRED", `The approval cannot be used: ${check.reason}`);
    }
    this.#event(request, "confirmation_satisfied", tool.name, { approval_id: request.approvalId });
    return request.approvalId;
  }

  async #consume(sql: Sql, approvalId: string): Promise<void> {
    if (!(await consumeApproval(sql, approvalId))) {
      throw new ToolError(
        "APPROVAL_REQUIRED",
        "The approval cannot be used: it was used or expired meanwhile",
      );
    }
  }

  /** Turn whatever a handler threw into a ToolError the caller may see; log the details for us. */
  #classify(thrown: unknown, tool: AnyTool, request: CallRequest, trace: CallTrace): ToolError {
    const { executionId } = trace;
    const record = (
      fields: Pick<ErrorRecord, "errorType" | "message" | "code" | "detail"> & Partial<ErrorRecord>,
    ) =>
      this.#deps.audit.error({
        executionId,
        requestId: request.requestId,
        caller: request.caller,
        toolName: tool.name,
        domain: tool.domain,
        argumentsHash: trace.hash ?? argumentsHash(trace.args),
        argumentsPreview: preview(trace.args),
        hint: null,
        position: null,
        queryPreview: null,
        at: new Date(),
        ...fields,
      });
    if (thrown instanceof ToolError) {
      // A refusal by an outside system (an Edge Function) is ours to investigate, not the user's.
      if (thrown.code === "UPSTREAM") {
        const details = thrown.details as { status?: unknown } | undefined;
        record({
          errorType: "upstream",
          message: thrown.message,
          code: details?.status == null ? null : String(details.status),
          detail: thrown.details === undefined ? null : JSON.stringify(thrown.details).slice(0, 1000),
        });
      }
      return thrown;
    }
    const pg = thrown as PostgresLikeError;
    const isSql = pg?.name === "PostgresError" && typeof pg.code === "string";
    const timeout = pg?.code === "57014";
    const message = pg?.message ?? String(thrown);
    record({
      errorType: timeout ? "timeout" : isSql ? "sql_error" : "unknown",
      message,
      code: pg?.code ?? null,
      detail: pg?.detail ?? null,
      hint: pg?.hint ?? null,
      position: pg?.position ?? null,
      queryPreview: typeof pg?.query === "string" ? pg.query.slice(0, 500) : null,
    });
    if (isDatabaseUnavailable(thrown)) {
      return new ToolError("UNAVAILABLE", "The database cannot be reached right now; try again shortly");
    }
    if (timeout) {
      return new ToolError(
        "TIMEOUT",
        `${tool.name} took longer than ${this.#deps.tools.timeoutMs} ms and was stopped`,
      );
    }
    this.#deps.logger.error(
      { tool: tool.name, executionId, err: message, code: pg?.code ?? null },
      "tool failed",
    );
    return new ToolError(
      "INTERNAL",
      `${tool.name} failed unexpectedly; the error was recorded (ref ${executionId})`,
    );
  }
}
