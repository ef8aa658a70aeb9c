import {
  type AnyTool,
  type Caller,
  type EdgeFunctions,
  type EventbriteApi,
  type ToolContext,
  ToolError,
} from "../../src/catalog/index.ts";
import type { Sql } from "../../src/db/index.ts";
import { unconfiguredEdgeFunctions } from "../../src/edge/index.ts";
import { PgImageStore } from "../../src/gateway/index.ts";

export const OPS_CALLER: Caller = {
  userId: "U-test-ops",
  role: "ops",
  teamId: null,
  channelId: null,
  sessionId: null,
  via: "token",
};

export interface ToolRunOptions {
  caller?: Caller;
  edge?: EdgeFunctions;
  eventbrite?: EventbriteApi | null;
  idempotencyKey?: string | null;
  rowCap?: number;
}

/** A handler's context as the gateway builds it: `sql` is the call's transaction, `pool` Arthur's pool. */
export function toolContext(sql: Sql, pool: Sql, options: ToolRunOptions = {}): ToolContext {
  return {
    sql,
    caller: options.caller ?? OPS_CALLER,
    rowCap: options.rowCap ?? 200,
    edge: options.edge ?? unconfiguredEdgeFunctions,
    idempotencyKey: options.idempotencyKey ?? null,
    eventbrite: options.eventbrite ?? null,
    images: new PgImageStore(pool, () => "http://127.0.0.1:8081"),
    record: (work) => pool.begin((tx) => work(tx as unknown as Sql)) as never,
  };
}

/**
 * Validate `args` with the tool's own schema and run its handler the way the gateway runs read
 * tools: inside a read-only transaction. (Policy, redaction and audit are the gateway's job.)
 */
export async function runReadTool<T = unknown>(
  sql: Sql,
  tool: AnyTool,
  args: unknown,
  caller: Caller = OPS_CALLER,
  rowCap = 200,
): Promise<T> {
  const parsed = tool.input.parse(args);
  return (await sql.begin("read only", (tx) =>
    tool.handler(parsed, toolContext(tx as unknown as Sql, sql, { caller, rowCap })),
  )) as T;
}

/**
 * Run a write tool's handler the way the gateway runs writes once policy and approval have passed:
 * inside one read-write transaction (rolled back if the handler throws).
 */
export async function runWriteTool<T = unknown>(
  sql: Sql,
  tool: AnyTool,
  args: unknown,
  options: ToolRunOptions = {},
): Promise<T> {
  const parsed = tool.input.parse(args);
  return (await sql.begin("read write", (tx) =>
    tool.handler(parsed, toolContext(tx as unknown as Sql, sql, options)),
  )) as T;
}

/** The ToolError a call was refused with; fails the test when the call succeeds or throws anything else. */
export async function refusalOf(call: Promise<unknown>): Promise<ToolError> {
  const outcome = await call.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(outcome instanceof ToolError)) {
    throw new Error(`expected a ToolError, got ${outcome === undefined ? "a result" : String(outcome)}`);
  }
  return outcome;
}
