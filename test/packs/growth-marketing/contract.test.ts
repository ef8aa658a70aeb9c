import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { type AnyTool, ToolError } from "../../../src/catalog/index.ts";
import { growthMarketingTools } from "../../../src/packs/growth-marketing/index.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { runReadTool } from "../../helpers/tools.ts";

const db = useTestDatabase();

/** Tools that take an eid, with the other arguments a call needs. */
const EVENT_CALLS: [string, Record<string, unknown>][] = [
  ["get_meta_ads_data", {}],
  ["get_sms_campaigns", {}],
  ["get_sms_audience_count", {}],
  ["get_sms_audience_count", { audience_filter: "bidders" }],
  ["get_sms_audience_count", { audience_filter: "all_with_phone" }],
  ["get_notification_status", {}],
  ["get_active_offers", {}],
  ["get_sponsorship_summary", {}],
];

const tool = (name: string) => growthMarketingTools.find((t) => t.name === name) as AnyTool;

describe("the growth-marketing pack", () => {
  it("accepts exactly the three audience filters of the table", () => {
    const input = tool("get_sms_audience_count").input;
    for (const filter of ["event_attendees", "bidders", "all_with_phone"]) {
      expect(input.safeParse({ eid: "AB4120", audience_filter: filter }).success).toBe(true);
    }
    expect(input.safeParse({ eid: "AB4120", audience_filter: "voters" }).success).toBe(false);
    expect(input.parse({ eid: "ab4120" })).toEqual({ eid: "AB4120", audience_filter: "event_attendees" });
  });

  it.each(EVENT_CALLS)("%s answers NOT_FOUND for an event that does not exist (%j)", async (name, extra) => {
    const call = runReadTool(db.sql, tool(name), { eid: "AB9999", ...extra });
    await expect(call).rejects.toBeInstanceOf(ToolError);
    await expect(call).rejects.toMatchObject({ code: "NOT_FOUND", message: "No event AB9999" });
  });

  it.each(EVENT_CALLS)("%s returns plain JSON and a text rendering for AB4120 (%j)", async (name, extra) => {
    const t = tool(name);
    const result = await runReadTool(db.sql, t, { eid: "AB4120", ...extra });
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
    const text = t.format(result);
    expect(text).toContain("AB4120");
    expect(text).not.toContain("[object Object]");
    expect(text).not.toContain("undefined");
  });

  it("rejects arguments no tool declares and malformed event ids", async () => {
    await expect(
      runReadTool(db.sql, tool("get_sponsorship_summary"), { eid: "AB4120", event: "AB4120" }),
    ).rejects.toBeInstanceOf(ZodError);
    await expect(runReadTool(db.sql, tool("get_meta_ads_data"), { eid: "Vancouver" })).rejects.toBeInstanceOf(
      ZodError,
    );
  });
});
