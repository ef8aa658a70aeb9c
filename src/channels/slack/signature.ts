import { verifySlackRequest } from "@slack/bolt";

/** Slack's window: a request signed more than five minutes away from our clock is refused (replays). */
export const SLACK_SIGNATURE_WINDOW_SECONDS = 300;

export type SignatureCheck =
  | { ok: true }
  | { ok: false; reason: "missing_headers" | "stale_timestamp" | "bad_signature" };

/**
 * Is this request from Slack? Slack's v0 scheme: `X-Slack-Signature` is `v0=` and the hex
 * HMAC-SHA256 of `v0:<X-Slack-Request-Timestamp>:<raw body>` under the app's signing secret. The
 * HMAC comparison is Bolt's (constant-time); the window is checked here in both directions, since
 * Bolt only refuses timestamps from the past.
 */
export function checkSlackSignature(input: {
  signingSecret: string;
  timestamp: string | undefined;
  signature: string | undefined;
  rawBody: string;
  nowMs?: number;
}): SignatureCheck {
  const { timestamp, signature } = input;
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp))
    return { ok: false, reason: "missing_headers" };
  const nowMs = input.nowMs ?? Date.now();
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > SLACK_SIGNATURE_WINDOW_SECONDS) {
    return { ok: false, reason: "stale_timestamp" };
  }
  try {
    verifySlackRequest({
      signingSecret: input.signingSecret,
      body: input.rawBody,
      headers: {
        "x-slack-signature": signature,
        "x-slack-request-timestamp": Number(timestamp),
      },
      nowMilliseconds: nowMs,
    });
    return { ok: true };
  } catch {
    return { ok: false, reason: "bad_signature" };
  }
}
