import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { type AnyTool, ToolError, ToolRegistry } from "../../../src/catalog/index.ts";
import { allTools, dataReadTools } from "../../../src/packs/index.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { runReadTool } from "../../helpers/tools.ts";

const db = useTestDatabase();

const O = "ops";
const EP = "event-producer";
const F = "finance";
const M = "marketing";
const V = "viewer";

/** original-system.md §1.2, rows 1–15: name, roles, passthrough, max calls, arguments. */
const POLICY_TABLE: [string, string[], boolean, number, string[]][] = [
  ["lookup_event", [O, EP, F, M, V], true, 3, ["eid", "city", "limit"]],
  ["lookup_person", [O, EP, F, V], true, 3, ["query", "search_by"]],
  ["lookup_artist_profile", [O, EP, F, V], true, 3, ["query", "search_by"]],
  ["lookup_artwork_bids", [O, EP, F, V], true, 2, ["eid", "artist_profile_id"]],
  ["get_vote_data", [O, EP, V], true, 2, ["eid", "round"]],
  ["debug_event_visibility", [O, EP, V], false, 2, ["eid"]],
  ["get_event_config", [O, EP, V], true, 2, ["eid"]],
  ["run_event_health_check", [O, EP, V], false, 2, ["eid"]],
  ["get_event_summary", [O, EP, F, M, V], false, 2, ["eid"]],
  ["get_bid_history", [O, EP, F, V], true, 2, ["eid", "art_id"]],
  ["get_auction_timing", [O, EP, V], true, 2, ["eid"]],
  ["get_auction_revenue", [O, EP, F, V], true, 2, ["eid", "group_by"]],
  ["get_eventbrite_data", [O, EP, M, V], true, 2, ["eid"]],
  ["get_eventbrite_mapping", [O, EP, V], true, 2, ["eid"]],
  ["get_eventbrite_fees", [O, F, V], true, 2, ["eid"]],
];

/** Tools whose only required argument is an event id. */
const eventTools = dataReadTools.filter(
  (t) => t.name !== "lookup_person" && t.name !== "lookup_artist_profile",
);

describe("the data-read pack", () => {
  it("offers the 15 tools of the policy table, in order, with its roles, call limits, passthrough and arguments", () => {
    expect(dataReadTools.map((t) => t.name)).toEqual(POLICY_TABLE.map(([name]) => name));
    for (const [name, roles, passthrough, maxCalls, args] of POLICY_TABLE) {
      const tool = dataReadTools.find((t) => t.name === name) as AnyTool;
      expect({ name, roles: [...tool.policy.roles].sort(), passthrough: tool.policy.passthrough }).toEqual({
        name,
        roles: [...roles].sort(),
        passthrough,
      });
      expect(tool.policy).toMatchObject({ risk: "low", writes: false, maxCallsPerRequest: maxCalls });
      expect(tool.domain).toBe("data-read");
      expect(Object.keys(tool.input.shape).sort()).toEqual([...args].sort());
    }
  });

  it("registers without clashes and gives every tool a JSON Schema a model can call", () => {
    const registry = new ToolRegistry(allTools);
    expect(registry.size).toBe(allTools.length);
    for (const tool of dataReadTools) {
      const schema = registry.inputSchema(tool);
      expect(schema.type).toBe("object");
      expect(schema.additionalProperties).toBe(false);
      expect(tool.description.length).toBeGreaterThan(150);
    }
    expect(registry.inputSchema(registry.require("get_vote_data")).required).toEqual(["eid"]);
  });

  it.each(eventTools.map((t) => [t.name, t]))(
    "%s answers NOT_FOUND for an event that does not exist",
    async (_, tool) => {
      const call = runReadTool(db.sql, tool as AnyTool, { eid: "AB9999" });
      await expect(call).rejects.toBeInstanceOf(ToolError);
      await expect(call).rejects.toMatchObject({ code: "NOT_FOUND", message: "No event AB9999" });
    },
  );

  it.each(eventTools.map((t) => [t.name, t]))(
    "%s rejects a malformed eid, naming the field",
    async (_, tool) => {
      const call = runReadTool(db.sql, tool as AnyTool, { eid: "Toronto 4001" });
      await expect(call).rejects.toBeInstanceOf(ZodError);
      await expect(call).rejects.toSatisfy((error: ZodError) =>
        error.issues.some((issue) => issue.path[0] === "eid" && issue.message.includes("AB4001")),
      );
    },
  );

  it.each(eventTools.map((t) => [t.name, t]))(
    "%s returns plain JSON and a text rendering for AB4002",
    async (_, tool) => {
      const result = await runReadTool(db.sql, tool as AnyTool, { eid: "AB4002" });
      expect(JSON.parse(JSON.stringify(result))).toEqual(result);
      const text = (tool as AnyTool).format(result);
      expect(text).toContain("AB4002");
      expect(text).not.toContain("[object Object]");
      expect(text).not.toContain("undefined");
    },
  );

  it("rejects arguments no tool declares (typos are not silently ignored)", async () => {
    const tool = dataReadTools[0] as AnyTool;
    await expect(runReadTool(db.sql, tool, { eid: "AB4001", cty: "Toronto" })).rejects.toBeInstanceOf(
      ZodError,
    );
  });
});
