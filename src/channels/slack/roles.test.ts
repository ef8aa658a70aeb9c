import { describe, expect, it } from "vitest";
import { decideRole } from "./roles.ts";

const policy = { userRoles: { U0FIN01: "finance" as const }, openViewerChannels: ["C0OPEN01"] };

describe("decideRole", () => {
  it("takes the role table first, then the configured map", () => {
    expect(decideRole({ userId: "U0FIN01", channelId: null }, "ops", policy)).toEqual({
      role: "ops",
      source: "table",
    });
    expect(decideRole({ userId: "U0FIN01", channelId: null }, null, policy)).toEqual({
      role: "finance",
      source: "config",
    });
  });

  it("lets someone without a role ask as a viewer only in an open channel", () => {
    expect(decideRole({ userId: "U0NEW01", channelId: "C0OPEN01" }, null, policy)).toEqual({
      role: "viewer",
      source: "open_channel",
    });
    expect(decideRole({ userId: "U0NEW01", channelId: "C0OTHER1" }, null, policy)).toBeNull();
    expect(decideRole({ userId: "U0NEW01", channelId: null }, null, policy)).toBeNull();
  });

  it("never lowers a known user to viewer because the channel is open", () => {
    expect(decideRole({ userId: "U0FIN01", channelId: "C0OPEN01" }, null, policy)?.role).toBe("finance");
  });

  it("puts a team's own role map (its channel's team) between the table and the configured map", () => {
    const who = { userId: "U0FIN01", channelId: "C0TEAM01" };
    expect(decideRole(who, null, policy, "marketing")).toEqual({ role: "marketing", source: "team" });
    expect(decideRole(who, "ops", policy, "marketing")).toEqual({ role: "ops", source: "table" });
  });
});
