import { describe, expect, it } from "vitest";
import type { AnyTool } from "../../../src/catalog/index.ts";
import { platformDbEdgeTools } from "../../../src/packs/platform-db-edge/index.ts";

const tool = (name: string) => platformDbEdgeTools.find((t) => t.name === name) as AnyTool;
const accepts = (name: string, args: object) => tool(name).input.safeParse(args).success;

describe("the platform-db-edge tools", () => {
  it("bound hours_back and limit as the policy table says", () => {
    expect(accepts("get_email_queue_stats", { hours_back: 168 })).toBe(true);
    expect(accepts("get_email_queue_stats", { hours_back: 169 })).toBe(false);
    for (const name of ["get_bot_errors", "get_bot_sessions", "get_bot_tool_stats"]) {
      expect(accepts(name, { hours_back: 720 })).toBe(true);
      expect(accepts(name, { hours_back: 721 })).toBe(false);
      expect(accepts(name, { hours_back: 0 })).toBe(false);
    }
    for (const name of [
      "get_email_log",
      "get_bot_errors",
      "get_bot_sessions",
      "get_bot_tool_stats",
      "get_bug_reports",
    ]) {
      expect(accepts(name, { limit: 50 })).toBe(true);
      expect(accepts(name, { limit: 51 })).toBe(false);
    }
    expect(tool("get_bot_errors").input.parse({})).toEqual({ hours_back: 24, limit: 20 });
  });

  it("accept only the documented status and priority values", () => {
    for (const status of ["completed", "error", "denied", "rate_limited"]) {
      expect(accepts("get_bot_sessions", { status })).toBe(true);
    }
    expect(accepts("get_bot_sessions", { status: "failed" })).toBe(false);
    for (const status of ["open", "in_progress", "resolved", "closed"]) {
      expect(accepts("get_bug_reports", { status })).toBe(true);
    }
    expect(accepts("get_bug_reports", { status: "wontfix" })).toBe(false);
    const bug = { title: "Chart missing", description: "No chart was posted" };
    for (const priority of ["low", "normal", "high", "critical"]) {
      expect(accepts("create_bug_report", { ...bug, priority })).toBe(true);
    }
    expect(accepts("create_bug_report", { ...bug, priority: "urgent" })).toBe(false);
    expect(tool("create_bug_report").input.parse(bug)).toMatchObject({ priority: "normal" });
  });

  it("never take the reporter or channel from the arguments", () => {
    const bug = { title: "Chart missing", description: "No chart was posted" };
    expect(accepts("create_bug_report", { ...bug, slack_user_id: "U_SOMEONE_ELSE" })).toBe(false);
    expect(accepts("create_bug_report", { ...bug, channel_id: "C_OTHER" })).toBe(false);
  });
});
