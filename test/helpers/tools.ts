import type { AnyTool, Caller } from "../../src/catalog/index.ts";
import type { Sql } from "../../src/db/index.ts";

export const OPS_CALLER: Caller = {
  userId: "U-test-ops",
  role: "ops",
  teamId: null,
  channelId: null,
  sessionId: null,
  via: "token",
};

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
    tool.handler(parsed, { sql: tx as unknown as Sql, caller, rowCap }),
  )) as T;
}
