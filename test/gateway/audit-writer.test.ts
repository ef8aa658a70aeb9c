import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { Sql } from "../../src/db/index.ts";
import { AuditWriter } from "../../src/gateway/index.ts";
import { createGatewayMetrics, createLogger } from "../../src/observability/index.ts";
import { useTestDatabase } from "../helpers/db.ts";
import { OPS_CALLER } from "../helpers/tools.ts";

const db = useTestDatabase();

/** The real connection, with every transaction held until `release` is called. */
function heldTransactions(sql: Sql): { sql: Sql; started: Promise<void>; release: () => void } {
  let release!: () => void;
  let markStarted!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const started = new Promise<void>((r) => {
    markStarted = r;
  });
  const held = new Proxy(sql, {
    get(target, property, receiver) {
      if (property !== "begin") return Reflect.get(target, property, receiver);
      return async (...args: unknown[]) => {
        markStarted();
        await gate;
        return (target.begin as (...a: unknown[]) => unknown)(...args);
      };
    },
  });
  return { sql: held, started, release };
}

describe("audit writer", () => {
  it("flush waits for a batch the timer has already taken off the queue", async () => {
    const held = heldTransactions(db.sql);
    const writer = new AuditWriter(held.sql, createLogger("silent"), createGatewayMetrics(), {
      gatewayVersion: "test",
      flushIntervalMs: 0,
    });
    const id = randomUUID();
    const now = new Date();
    writer.execution({
      id,
      requestId: randomUUID(),
      caller: OPS_CALLER,
      toolName: "lookup_event",
      domain: "data-read",
      risk: "low",
      argumentsHash: "h",
      argumentsKeys: ["eid"],
      argumentsPreview: { eid: "AB4001" },
      ok: true,
      resultKeys: [],
      resultRowCount: 1,
      truncated: false,
      startedAt: now,
      completedAt: now,
      durationMs: 3,
      errorCode: null,
      errorMessage: null,
    });
    await held.started;
    expect(writer.depth).toBe(0); // taken by the timer's batch, not written yet
    const flushed = writer.flush();
    setTimeout(held.release, 50);
    await flushed;
    const rows = await db.sql`select 1 from esbmcp_tool_executions where id = ${id}`;
    expect(rows.length).toBe(1);
    await writer.close();
  });
});
