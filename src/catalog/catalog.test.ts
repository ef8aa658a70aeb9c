import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  applyOverrides,
  authorize,
  checkApproval,
  defineTool,
  eid,
  mayDecideApproval,
  PolicyFileError,
  parseToolOverrides,
  redactFields,
  ToolError,
  ToolRegistry,
} from "./index.ts";

const lookup = defineTool({
  name: "lookup_event",
  domain: "data-read",
  title: "Look up an event",
  description: "Find an event by eid.",
  input: z.object({ eid: eid(), limit: z.number().int().min(1).max(25).default(10) }),
  policy: { roles: ["ops", "viewer"], risk: "low", maxCallsPerRequest: 3 },
  handler: async (args) => args,
  format: () => "",
});
const pay = defineTool({
  name: "process_artist_payment",
  domain: "payments",
  title: "Pay an artist",
  description: "Pay.",
  input: z.object({ amount: z.number().positive() }),
  policy: { roles: ["finance"], risk: "low", writes: true, requiresApproval: true, maxCallsPerRequest: 1 },
  handler: async () => ({}),
  format: () => "",
});
const registry = new ToolRegistry([lookup, pay]);

describe("authorize", () => {
  it("allows a listed role and refuses others, naming who may call", () => {
    expect(authorize(lookup.name, lookup.policy, "viewer", false)).toEqual({ allowed: true });
    expect(authorize(pay.name, pay.policy, "viewer", true)).toEqual({
      allowed: false,
      code: "FORBIDDEN",
      reason: "role viewer may not call process_artist_payment (allowed: finance)",
    });
  });

  it("refuses a writing tool while writes are disabled, even when labelled low risk", () => {
    expect(authorize(pay.name, pay.policy, "finance", false)).toMatchObject({
      allowed: false,
      code: "WRITES_DISABLED",
    });
    expect(authorize(pay.name, pay.policy, "finance", true)).toEqual({ allowed: true });
  });
});

describe("checkApproval", () => {
  const now = new Date("2026-11-24T18:00:00Z");
  const approval = {
    requestedBy: "U1",
    toolName: "process_artist_payment",
    argumentsHash: "abc",
    expiresAt: new Date(now.getTime() + 60_000),
    approvedAt: now,
    usedAt: null,
    cancelledAt: null,
  };
  const call = { userId: "U1", toolName: "process_artist_payment", argumentsHash: "abc", now };

  it("accepts the approval bound to this requester, tool and arguments", () => {
    expect(checkApproval(approval, call)).toEqual({ valid: true });
  });

  it.each([
    ["missing", undefined, call, "no approval"],
    ["used", { ...approval, usedAt: now }, call, "already been used"],
    ["cancelled", { ...approval, cancelledAt: now }, call, "was cancelled"],
    ["not yet confirmed", { ...approval, approvedAt: null }, call, "not been confirmed"],
    ["expired", { ...approval, expiresAt: now }, call, "expired"],
    ["another user", approval, { ...call, userId: "U2" }, "someone else"],
    ["other arguments", approval, { ...call, argumentsHash: "xyz" }, "arguments differ"],
    ["another tool", approval, { ...call, toolName: "send_payment_reminder" }, "another tool"],
  ])("rejects an approval that is %s", (_label, a, c, reason) => {
    const result = checkApproval(a, c);
    expect(result.valid).toBe(false);
    expect(result.valid ? "" : result.reason).toContain(reason);
  });
});

describe("mayDecideApproval", () => {
  it("lets the requester decide, and an approver, and nobody else", () => {
    const approval = { requestedBy: "U0ASKER" };
    expect(mayDecideApproval(approval, "U0ASKER", [])).toBe(true);
    expect(mayDecideApproval(approval, "U0OTHER", [])).toBe(false);
    expect(mayDecideApproval(approval, "U0OTHER", ["U0BOSS"])).toBe(false);
    expect(mayDecideApproval(approval, "U0BOSS", ["U0BOSS"])).toBe(true);
  });
});

describe("registry", () => {
  it("suggests near names for an unknown tool", () => {
    expect(() => registry.require("lookup_evnt")).toThrow(ToolError);
    try {
      registry.require("lookup_evnt");
    } catch (error) {
      expect((error as ToolError).code).toBe("UNKNOWN_TOOL");
      expect((error as ToolError).message).toBe('Unknown tool "lookup_evnt"; did you mean lookup_event?');
    }
  });

  it("derives JSON Schema with formats, bounds and defaults from the zod input", () => {
    const schema = registry.inputSchema(lookup) as {
      properties: { eid: { pattern: string }; limit: { maximum: number; default: number } };
      required?: string[];
    };
    // JSON Schema patterns have no flags: the pattern itself must accept any case, as the zod input does.
    const pattern = new RegExp(schema.properties.eid.pattern);
    expect(["AB4001", "ab4001", "Ab4001"].map((v) => pattern.test(v))).toEqual([true, true, true]);
    expect(pattern.test("XY4001")).toBe(false);
    expect(schema.properties.limit).toMatchObject({ maximum: 25, default: 10 });
    expect(schema.required).toEqual(["eid"]);
  });

  it("normalises eids and names the field when one is malformed", () => {
    expect(lookup.input.parse({ eid: " ab4001 " }).eid).toBe("AB4001");
    const bad = lookup.input.safeParse({ eid: "4001" });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(["eid"]);
  });

  it("shows each role only what it may call, and hides writes while they are disabled", () => {
    expect(registry.visibleTo("viewer", true).map((t) => t.name)).toEqual(["lookup_event"]);
    expect(registry.visibleTo("finance", false).map((t) => t.name)).toEqual([]);
    expect(registry.visibleTo("finance", true).map((t) => t.name)).toEqual(["process_artist_payment"]);
  });
});

describe("policy overrides file", () => {
  it("changes roles, risk and approval per deployment but never un-marks a write", () => {
    const overrides = parseToolOverrides(
      "tools:\n  lookup_event:\n    roles: [ops]\n    requires_approval: true\n  process_artist_payment:\n    enabled: false\n",
      "tools.yaml",
      registry,
    );
    const [l, p] = applyOverrides(registry.list(), overrides);
    expect(l?.policy).toMatchObject({ roles: ["ops"], requiresApproval: true, risk: "low" });
    expect(p?.policy).toMatchObject({ enabled: false, writes: true });
  });

  it.each([
    [
      "tools:\n  lookup_evnt:\n    enabled: false\n",
      "tools.yaml: tools.lookup_evnt: unknown tool (did you mean lookup_event?)",
    ],
    [
      "tools:\n  lookup_event:\n    roles: [admin]\n",
      "tools.yaml: tools.lookup_event.roles.0: Invalid option",
    ],
    [
      "tools:\n  lookup_event:\n    colour: red\n",
      'tools.yaml: tools.lookup_event: Unrecognized key: "colour"',
    ],
    ["tools: [", "tools.yaml: not valid YAML"],
  ])("rejects %j with a message naming the place", (text, message) => {
    expect(() => parseToolOverrides(text, "tools.yaml", registry)).toThrow(PolicyFileError);
    expect(() => parseToolOverrides(text, "tools.yaml", registry)).toThrow(message);
  });
});

describe("redactFields", () => {
  it("masks declared fields at any depth and leaves dates and long ids alone", () => {
    const result = {
      eventbrite_id: "1981909401371",
      starts: "2026-03-01T10:00:00Z",
      bids: [{ email: "jordan.lee@example.com", phone: "+1 206 555 0142", amount: "120.00" }],
    };
    expect(redactFields(result, { email: "email", phone: "phone" })).toEqual({
      eventbrite_id: "1981909401371",
      starts: "2026-03-01T10:00:00Z",
      bids: [{ email: "j***@example.com", phone: "***42", amount: "120.00" }],
    });
  });
});
