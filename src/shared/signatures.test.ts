import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { SLACK_EXAMPLE } from "../../test/helpers/slack-requests.ts";
import {
  type Headers,
  type VerifyInput,
  verifyGitHub,
  verifyIncidentIo,
  verifyPagerDuty,
  verifySlack,
  verifyWebhook,
  type WebhookSource,
} from "./signatures.ts";

// Negative cases sign their own payloads here, independently of the module under test, so a
// shared mistake in both would still be caught by the published vectors below.
function sign(key: string | Buffer, parts: Array<string | Uint8Array>, encoding: "hex" | "base64"): string {
  const mac = createHmac("sha256", key);
  for (const part of parts) mac.update(part);
  return mac.digest(encoding);
}

/** Flip the lowest bit of one byte, as a proxy or attacker might alter a single character. */
function tamper(body: string): string {
  const bytes = Buffer.from(body, "utf8");
  bytes[bytes.length - 1] = (bytes.at(-1) ?? 0) ^ 1;
  return bytes.toString("utf8");
}

const rejected = (reason: string) => ({ ok: false, reason });

// Published by Slack in "Verifying requests from Slack" (api.slack.com/authentication/verifying-requests-from-slack);
// the same vector signs the test helper's requests.
const SLACK = {
  secret: SLACK_EXAMPLE.signingSecret,
  timestamp: String(SLACK_EXAMPLE.timestamp),
  body: SLACK_EXAMPLE.body,
  signature: SLACK_EXAMPLE.signature,
};
const SLACK_NOW_MS = Number(SLACK.timestamp) * 1000 + 42_000;

function slackInput(overrides: Partial<VerifyInput> = {}, headers: Headers = {}): VerifyInput {
  return {
    secret: SLACK.secret,
    headers: {
      "x-slack-signature": SLACK.signature,
      "x-slack-request-timestamp": SLACK.timestamp,
      ...headers,
    },
    rawBody: SLACK.body,
    nowMs: SLACK_NOW_MS,
    ...overrides,
  };
}

// Published by GitHub in "Validating webhook deliveries" (docs.github.com).
const GITHUB = {
  secret: "It's a Secret to Everybody",
  body: "Hello, World!",
  signature: "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
};

function githubInput(overrides: Partial<VerifyInput> = {}, headers: Headers = {}): VerifyInput {
  return {
    secret: GITHUB.secret,
    headers: { "x-hub-signature-256": GITHUB.signature, ...headers },
    rawBody: GITHUB.body,
    ...overrides,
  };
}

// PagerDuty's "Verifying Signatures" page shows only a header with no secret or body, so it
// cannot be checked. This vector is the one PagerDuty publishes in its own Go client's tests
// (github.com/PagerDuty/go-pagerduty, webhookv3/webhookv3_test.go): secret, body and signature.
const PAGERDUTY = {
  secret: "lDQHScfUeXUKaQRNF+8XIiDKZ7XX3itBAYzwU0TARw8lJqRnkKl2iB1anSb0Z+IK",
  body: '{"event":{"id":"01BWDWL3NYY7LUFPZCC28QUCMK","event_type":"incident.priority_updated","resource_type":"incident","occurred_at":"2021-04-26T17:36:27.458Z","agent":{"html_url":"https://acme.pagerduty.com/users/PLH1HKV","id":"PLH1HKV","self":"https://api.pagerduty.com/users/PLH1HKV","summary":"Tenex Engineer","type":"user_reference"},"client":null,"data":{"id":"PGR0VU2","type":"incident","self":"https://api.pagerduty.com/incidents/PGR0VU2","html_url":"https://acme.pagerduty.com/incidents/PGR0VU2","number":2,"status":"triggered","title":"A little bump in the road","service":{"html_url":"https://acme.pagerduty.com/services/PF9KMXH","id":"PF9KMXH","self":"https://api.pagerduty.com/services/PF9KMXH","summary":"API Service","type":"service_reference"},"assignees":[{"html_url":"https://acme.pagerduty.com/users/PTUXL6G","id":"PTUXL6G","self":"https://api.pagerduty.com/users/PTUXL6G","summary":"User 123","type":"user_reference"}],"escalation_policy":{"html_url":"https://acme.pagerduty.com/escalation_policies/PUS0KTE","id":"PUS0KTE","self":"https://api.pagerduty.com/escalation_policies/PUS0KTE","summary":"Default","type":"escalation_policy_reference"},"teams":[{"html_url":"https://acme.pagerduty.com/teams/PFCVPS0","id":"PFCVPS0","self":"https://api.pagerduty.com/teams/PFCVPS0","summary":"Engineering","type":"team_reference"}],"priority":{"html_url":"https://acme.pagerduty.com/account/incident_priorities","id":"PSO75BM","self":"https://api.pagerduty.com/priorities/PSO75BM","summary":"P1","type":"priority_reference"},"urgency":"high","conference_bridge":{"conference_number":1000,"conference_url":"https://example.com"},"resolve_reason":null}}}',
  signature: "v1=0c0b9495b893a39e70d1fea2fe11fbe0a825f88b9f67846f6cc07dd2bc5476cd",
  // The same test file's "mismatch" case: a well-formed signature that belongs to another secret.
  otherSignature: "v1=7020c8a7ec668a9b7012bc3dd82e483394b038f4230acc6785efbf2a7d8bcaf5",
};

function pagerDutyInput(overrides: Partial<VerifyInput> = {}, headers: Headers = {}): VerifyInput {
  return {
    secret: PAGERDUTY.secret,
    headers: { "x-pagerduty-signature": PAGERDUTY.signature, ...headers },
    rawBody: PAGERDUTY.body,
    ...overrides,
  };
}

// The Standard Webhooks specification's test vector, reproduced by its reference libraries.
const STANDARD = {
  secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
  timestamp: "1614265330",
  body: '{"test": 2432232314}',
  signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
};
const STANDARD_NOW_MS = Number(STANDARD.timestamp) * 1000;

function incidentIoInput(overrides: Partial<VerifyInput> = {}, headers: Headers = {}): VerifyInput {
  return {
    secret: STANDARD.secret,
    headers: {
      "webhook-id": STANDARD.id,
      "webhook-timestamp": STANDARD.timestamp,
      "webhook-signature": STANDARD.signature,
      ...headers,
    },
    rawBody: STANDARD.body,
    nowMs: STANDARD_NOW_MS,
    ...overrides,
  };
}

describe("published vectors", () => {
  it("accepts Slack's documented request", () => {
    expect(verifySlack(slackInput())).toEqual({ ok: true });
  });

  it("accepts GitHub's documented delivery", () => {
    expect(verifyGitHub(githubInput())).toEqual({ ok: true });
  });

  it("accepts PagerDuty's client-library delivery and refuses its mismatching signature", () => {
    expect(verifyPagerDuty(pagerDutyInput())).toEqual({ ok: true });
    expect(
      verifyPagerDuty(pagerDutyInput({}, { "x-pagerduty-signature": PAGERDUTY.otherSignature })),
    ).toEqual(rejected("bad_signature"));
  });

  it("accepts the Standard Webhooks vector as an incident.io delivery", () => {
    expect(verifyIncidentIo(incidentIoInput())).toEqual({ ok: true });
  });

  it.each<[WebhookSource, VerifyInput]>([
    ["slack", slackInput()],
    ["github", githubInput()],
    ["pagerduty", pagerDutyInput()],
    ["incidentio", incidentIoInput()],
  ])("verifyWebhook routes %s to its verifier", (source, input) => {
    expect(verifyWebhook(source, input)).toEqual({ ok: true });
    expect(verifyWebhook(source, { ...input, secret: "not the secret" })).toEqual(rejected("bad_signature"));
  });
});

describe("every source fails closed without a secret", () => {
  it.each<[WebhookSource, VerifyInput]>([
    ["slack", slackInput()],
    ["github", githubInput()],
    ["pagerduty", pagerDutyInput()],
    ["incidentio", incidentIoInput()],
  ])("%s", (source, input) => {
    for (const secret of [undefined, "", "   "]) {
      expect(verifyWebhook(source, { ...input, secret })).toEqual(rejected("missing_secret"));
    }
    // Even with no headers at all, the missing secret is what gets reported.
    expect(verifyWebhook(source, { ...input, secret: undefined, headers: {} })).toEqual(
      rejected("missing_secret"),
    );
  });
});

describe("verifySlack", () => {
  it("refuses the wrong secret", () => {
    expect(verifySlack(slackInput({ secret: "8f742231b10e8888abcd99yyyzzz85a6" }))).toEqual(
      rejected("bad_signature"),
    );
  });

  it("refuses a body with one byte changed", () => {
    expect(verifySlack(slackInput({ rawBody: tamper(SLACK.body) }))).toEqual(rejected("bad_signature"));
  });

  it("refuses a signature made for another timestamp", () => {
    const timestamp = String(Number(SLACK.timestamp) + 1);
    expect(verifySlack(slackInput({}, { "x-slack-request-timestamp": timestamp }))).toEqual(
      rejected("bad_signature"),
    );
  });

  it("accepts a clock difference of exactly the tolerance, either way", () => {
    const sent = Number(SLACK.timestamp) * 1000;
    expect(verifySlack(slackInput({ nowMs: sent + 300_000 }))).toEqual({ ok: true });
    expect(verifySlack(slackInput({ nowMs: sent - 300_000 }))).toEqual({ ok: true });
  });

  it("refuses stale and future timestamps", () => {
    const sent = Number(SLACK.timestamp) * 1000;
    expect(verifySlack(slackInput({ nowMs: sent + 301_000 }))).toEqual(rejected("stale_timestamp"));
    expect(verifySlack(slackInput({ nowMs: sent + 10 * 60_000 }))).toEqual(rejected("stale_timestamp"));
    expect(verifySlack(slackInput({ nowMs: sent - 301_000 }))).toEqual(rejected("stale_timestamp"));
  });

  it("honours a custom tolerance", () => {
    expect(verifySlack(slackInput({ toleranceSeconds: 30 }))).toEqual(rejected("stale_timestamp"));
    expect(verifySlack(slackInput({ toleranceSeconds: 60 }))).toEqual({ ok: true });
  });

  it("uses the real clock by default, which is years past the documented request", () => {
    expect(verifySlack(slackInput({ nowMs: undefined }))).toEqual(rejected("stale_timestamp"));
  });

  it.each(["abc", "1531420618.5", "1e9", "-1531420618", "0x5b47c8ca", "15314206180000000000"])(
    "refuses timestamp %j as invalid",
    (timestamp) => {
      expect(verifySlack(slackInput({}, { "x-slack-request-timestamp": timestamp }))).toEqual(
        rejected("invalid_timestamp"),
      );
    },
  );

  it("reports each missing header", () => {
    expect(verifySlack(slackInput({}, { "x-slack-signature": undefined }))).toEqual(
      rejected("missing_signature_header"),
    );
    expect(verifySlack(slackInput({}, { "x-slack-signature": "" }))).toEqual(
      rejected("missing_signature_header"),
    );
    expect(verifySlack(slackInput({}, { "x-slack-request-timestamp": undefined }))).toEqual(
      rejected("missing_timestamp_header"),
    );
  });

  it.each([
    SLACK.signature.replace("v0=", "v1="),
    SLACK.signature.slice(3),
    SLACK.signature.slice(0, -2),
    `${SLACK.signature}00`,
    `${SLACK.signature.slice(0, -1)}g`,
  ])("refuses malformed signature %j", (signature) => {
    expect(verifySlack(slackInput({}, { "x-slack-signature": signature }))).toEqual(
      rejected("invalid_signature_format"),
    );
  });
});

describe("verifyGitHub", () => {
  it("refuses the wrong secret", () => {
    expect(verifyGitHub(githubInput({ secret: "It's a Secret to Everybody!" }))).toEqual(
      rejected("bad_signature"),
    );
  });

  it("refuses a body with one byte changed", () => {
    expect(verifyGitHub(githubInput({ rawBody: "Hello, World?" }))).toEqual(rejected("bad_signature"));
  });

  it("refuses the legacy SHA-1 header format even when it is a valid SHA-1 signature", () => {
    const sha1 = createHmac("sha1", GITHUB.secret).update(GITHUB.body).digest("hex");
    expect(verifyGitHub(githubInput({}, { "x-hub-signature-256": `sha1=${sha1}` }))).toEqual(
      rejected("invalid_signature_format"),
    );
  });

  it.each([GITHUB.signature.slice(7), GITHUB.signature.slice(0, -1), "sha256="])(
    "refuses malformed signature %j",
    (signature) => {
      expect(verifyGitHub(githubInput({}, { "x-hub-signature-256": signature }))).toEqual(
        rejected("invalid_signature_format"),
      );
    },
  );

  it("reports a missing header", () => {
    expect(verifyGitHub(githubInput({}, { "x-hub-signature-256": undefined }))).toEqual(
      rejected("missing_signature_header"),
    );
  });

  it("accepts the body as bytes as well as text", () => {
    expect(verifyGitHub(githubInput({ rawBody: new TextEncoder().encode(GITHUB.body) }))).toEqual({
      ok: true,
    });
  });

  it("hashes non-ASCII text as UTF-8", () => {
    const body = '{"title":"Café ☕ – 🔥"}';
    const signature = `sha256=${sign(GITHUB.secret, [Buffer.from(body, "utf8")], "hex")}`;
    const headers = { "x-hub-signature-256": signature };
    expect(verifyGitHub(githubInput({ rawBody: body }, headers))).toEqual({ ok: true });
    expect(verifyGitHub(githubInput({ rawBody: Buffer.from(body, "utf8") }, headers))).toEqual({ ok: true });
  });

  it("hashes bytes exactly as received, even when they are not valid UTF-8", () => {
    const raw = Uint8Array.from([0x7b, 0x22, 0x78, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
    const signature = `sha256=${sign(GITHUB.secret, [raw], "hex")}`;
    const headers = { "x-hub-signature-256": signature };
    expect(verifyGitHub(githubInput({ rawBody: raw }, headers))).toEqual({ ok: true });
    // Decoding to text replaces the invalid bytes, which is why the reference implementation's
    // decode-then-re-encode step could not verify such a body.
    const lossy = new TextDecoder().decode(raw);
    expect(verifyGitHub(githubInput({ rawBody: lossy }, headers))).toEqual(rejected("bad_signature"));
  });
});

describe("verifyPagerDuty", () => {
  const byOtherSecret = `v1=${sign("a retired secret", [PAGERDUTY.body], "hex")}`;

  it("accepts a rotation header where only the second signature matches", () => {
    const header = `${byOtherSecret},${PAGERDUTY.signature}`;
    expect(verifyPagerDuty(pagerDutyInput({}, { "x-pagerduty-signature": header }))).toEqual({ ok: true });
  });

  it("accepts a rotation header where only the first signature matches, with spaces after commas", () => {
    const header = `${PAGERDUTY.signature}, ${byOtherSecret}`;
    expect(verifyPagerDuty(pagerDutyInput({}, { "x-pagerduty-signature": header }))).toEqual({ ok: true });
  });

  it("refuses a header where no signature matches", () => {
    const header = `${byOtherSecret},${PAGERDUTY.otherSignature}`;
    expect(verifyPagerDuty(pagerDutyInput({}, { "x-pagerduty-signature": header }))).toEqual(
      rejected("bad_signature"),
    );
  });

  it("ignores entries of other versions", () => {
    const good = PAGERDUTY.signature.slice(3);
    expect(
      verifyPagerDuty(pagerDutyInput({}, { "x-pagerduty-signature": `v2=abc,${PAGERDUTY.signature}` })),
    ).toEqual({ ok: true });
    // A correct digest under an unknown version is not a v1 signature.
    expect(verifyPagerDuty(pagerDutyInput({}, { "x-pagerduty-signature": `v2=${good}` }))).toEqual(
      rejected("invalid_signature_format"),
    );
  });

  it.each([
    "garbage",
    PAGERDUTY.signature.slice(3),
    "v1=",
    "v1=xyz",
    `sha256=${PAGERDUTY.signature.slice(3)}`,
  ])("refuses header %j with no usable v1 entry", (header) => {
    expect(verifyPagerDuty(pagerDutyInput({}, { "x-pagerduty-signature": header }))).toEqual(
      rejected("invalid_signature_format"),
    );
  });

  it("refuses the wrong secret", () => {
    expect(verifyPagerDuty(pagerDutyInput({ secret: `${PAGERDUTY.secret}x` }))).toEqual(
      rejected("bad_signature"),
    );
  });

  it("refuses a body with one byte changed", () => {
    expect(verifyPagerDuty(pagerDutyInput({ rawBody: tamper(PAGERDUTY.body) }))).toEqual(
      rejected("bad_signature"),
    );
  });

  it("reports a missing header", () => {
    expect(verifyPagerDuty(pagerDutyInput({}, { "x-pagerduty-signature": undefined }))).toEqual(
      rejected("missing_signature_header"),
    );
  });

  it("does not depend on a timestamp", () => {
    expect(verifyPagerDuty(pagerDutyInput({ nowMs: 0 }))).toEqual({ ok: true });
  });
});

describe("verifyIncidentIo", () => {
  const key = Buffer.from(STANDARD.secret.slice("whsec_".length), "base64");
  const signedWith = (secretKey: string | Buffer) =>
    `v1,${sign(secretKey, [`${STANDARD.id}.${STANDARD.timestamp}.`, STANDARD.body], "base64")}`;

  it("accepts a header where only the second signature matches", () => {
    const header = `${signedWith("a retired key")} ${STANDARD.signature}`;
    expect(verifyIncidentIo(incidentIoInput({}, { "webhook-signature": header }))).toEqual({ ok: true });
  });

  it("refuses a header where no signature matches", () => {
    const header = `${signedWith("a retired key")} ${signedWith("another key")}`;
    expect(verifyIncidentIo(incidentIoInput({}, { "webhook-signature": header }))).toEqual(
      rejected("bad_signature"),
    );
  });

  it("ignores entries of other versions", () => {
    const header = `v1a,c29tZSBhc3ltbWV0cmljIHNpZ25hdHVyZQ== ${STANDARD.signature}`;
    expect(verifyIncidentIo(incidentIoInput({}, { "webhook-signature": header }))).toEqual({ ok: true });
  });

  it.each([
    STANDARD.signature.replace("v1,", "v2,"),
    STANDARD.signature.slice(3),
    "v1,",
    "v1,bm9wZQ==",
    STANDARD.signature.slice(0, -2),
    `${STANDARD.signature.slice(0, 10)}!${STANDARD.signature.slice(11)}`,
  ])("refuses header %j with no usable v1 entry", (header) => {
    expect(verifyIncidentIo(incidentIoInput({}, { "webhook-signature": header }))).toEqual(
      rejected("invalid_signature_format"),
    );
  });

  it("refuses the wrong secret", () => {
    expect(verifyIncidentIo(incidentIoInput({ secret: "whsec_NfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" }))).toEqual(
      rejected("bad_signature"),
    );
  });

  it("refuses a body with one byte changed", () => {
    expect(verifyIncidentIo(incidentIoInput({ rawBody: tamper(STANDARD.body) }))).toEqual(
      rejected("bad_signature"),
    );
  });

  it("binds the message id into the signature", () => {
    expect(verifyIncidentIo(incidentIoInput({}, { "webhook-id": "msg_another" }))).toEqual(
      rejected("bad_signature"),
    );
  });

  it("refuses stale and future timestamps", () => {
    expect(verifyIncidentIo(incidentIoInput({ nowMs: STANDARD_NOW_MS + 301_000 }))).toEqual(
      rejected("stale_timestamp"),
    );
    expect(verifyIncidentIo(incidentIoInput({ nowMs: STANDARD_NOW_MS - 301_000 }))).toEqual(
      rejected("stale_timestamp"),
    );
    expect(verifyIncidentIo(incidentIoInput({ nowMs: STANDARD_NOW_MS + 300_000 }))).toEqual({ ok: true });
    expect(verifyIncidentIo(incidentIoInput({ nowMs: STANDARD_NOW_MS - 300_000 }))).toEqual({ ok: true });
  });

  it("refuses a non-numeric timestamp", () => {
    expect(verifyIncidentIo(incidentIoInput({}, { "webhook-timestamp": "2021-02-25T15:02:10Z" }))).toEqual(
      rejected("invalid_timestamp"),
    );
  });

  it("reports each missing header", () => {
    expect(verifyIncidentIo(incidentIoInput({}, { "webhook-signature": undefined }))).toEqual(
      rejected("missing_signature_header"),
    );
    expect(verifyIncidentIo(incidentIoInput({}, { "webhook-timestamp": undefined }))).toEqual(
      rejected("missing_timestamp_header"),
    );
    expect(verifyIncidentIo(incidentIoInput({}, { "webhook-id": undefined }))).toEqual(
      rejected("missing_webhook_id_header"),
    );
    expect(verifyIncidentIo(incidentIoInput({}, { "webhook-id": " " }))).toEqual(
      rejected("missing_webhook_id_header"),
    );
  });

  it("base64-decodes a secret given without the whsec_ prefix", () => {
    expect(verifyIncidentIo(incidentIoInput({ secret: key.toString("base64") }))).toEqual({ ok: true });
  });

  it("uses the UTF-8 bytes of a secret that is not base64", () => {
    const secret = "not base64: a plain passphrase!";
    const header = signedWith(Buffer.from(secret, "utf8"));
    expect(verifyIncidentIo(incidentIoInput({ secret }, { "webhook-signature": header }))).toEqual({
      ok: true,
    });
    expect(
      verifyIncidentIo(incidentIoInput({ secret: `whsec_${secret}` }, { "webhook-signature": header })),
    ).toEqual({ ok: true });
  });

  it("treats a bare whsec_ prefix as no secret", () => {
    expect(verifyIncidentIo(incidentIoInput({ secret: "whsec_" }))).toEqual(rejected("missing_secret"));
  });
});

describe("caller mistakes", () => {
  it("throws rather than accept every timestamp when the tolerance or clock is not a number", () => {
    expect(() => verifySlack(slackInput({ toleranceSeconds: Number.NaN }))).toThrow(RangeError);
    expect(() => verifySlack(slackInput({ toleranceSeconds: -1 }))).toThrow(RangeError);
    expect(() => verifyIncidentIo(incidentIoInput({ nowMs: Number.NaN }))).toThrow(RangeError);
  });
});
