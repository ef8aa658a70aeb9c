import { describe, expect, it } from "vitest";
import { deliveryKeys } from "./app.ts";

describe("deliveryKeys", () => {
  const callback = (event: Record<string, unknown>) => ({ type: "event_callback", event_id: "Ev1", event });

  it("claims an answered message by its channel and ts, besides the event id", () => {
    expect(deliveryKeys(callback({ type: "app_mention", channel: "G1", ts: "1.2" }))).toEqual([
      "event:Ev1",
      "message:G1:1.2",
    ]);
    expect(deliveryKeys(callback({ type: "message", channel_type: "im", channel: "D1", ts: "1.3" }))).toEqual(
      ["event:Ev1", "message:D1:1.3"],
    );
  });

  it("lets events Arthur does not answer claim only themselves, and commands nothing", () => {
    expect(
      deliveryKeys(callback({ type: "message", channel_type: "mpim", channel: "G1", ts: "1.2" })),
    ).toEqual(["event:Ev1"]);
    expect(deliveryKeys({ command: "/ab", text: "hi" })).toEqual([]);
  });
});
