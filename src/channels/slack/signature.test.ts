import { describe, expect, it } from "vitest";
import { deliveryKeys } from "./app.ts";
import { checkSlackSignature } from "./signature.ts";

// Slack's own worked example (api.slack.com, "Verifying requests from Slack"), as a fixed vector.
const EXAMPLE = {
  signingSecret: "8f742231b10e8888abcd99yyyzzz85a5",
  timestamp: "1531420618",
  rawBody:
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c",
  signature: "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
};
const AT_THE_TIME = 1531420618 * 1000 + 30_000;

describe("checkSlackSignature", () => {
  it("accepts Slack's published example at its own time", () => {
    expect(checkSlackSignature({ ...EXAMPLE, nowMs: AT_THE_TIME })).toEqual({ ok: true });
  });

  it("refuses it with one byte of the body, the secret or the signature changed", () => {
    expect(checkSlackSignature({ ...EXAMPLE, rawBody: `${EXAMPLE.rawBody}x`, nowMs: AT_THE_TIME })).toEqual({
      ok: false,
      reason: "bad_signature",
    });
    expect(
      checkSlackSignature({
        ...EXAMPLE,
        signingSecret: `${EXAMPLE.signingSecret.slice(0, -1)}6`,
        nowMs: AT_THE_TIME,
      }),
    ).toEqual({ ok: false, reason: "bad_signature" });
    expect(
      checkSlackSignature({
        ...EXAMPLE,
        signature: EXAMPLE.signature.replace("v0=", "v1="),
        nowMs: AT_THE_TIME,
      }),
    ).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("refuses it outside five minutes either way (a replay), and without the headers", () => {
    const at = (offsetS: number) =>
      checkSlackSignature({ ...EXAMPLE, nowMs: 1531420618 * 1000 + offsetS * 1000 });
    expect(at(299)).toEqual({ ok: true });
    expect(at(301)).toEqual({ ok: false, reason: "stale_timestamp" });
    expect(at(-301)).toEqual({ ok: false, reason: "stale_timestamp" });
    expect(checkSlackSignature({ ...EXAMPLE, timestamp: undefined, nowMs: AT_THE_TIME })).toEqual({
      ok: false,
      reason: "missing_headers",
    });
    expect(checkSlackSignature({ ...EXAMPLE, timestamp: "soon", nowMs: AT_THE_TIME })).toEqual({
      ok: false,
      reason: "missing_headers",
    });
  });
});

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
