import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Webhook signature verifiers for the control plane: Slack, GitHub, PagerDuty (V3) and
 * incident.io (Standard Webhooks). Pure: the clock comes in as `nowMs`, and nothing is stored,
 * so replay protection beyond the timestamp window is the caller's job.
 *
 * Unlike the reference implementation (control-plane-reference.md §1.3) these:
 * - fail closed for every source when the secret is missing or blank;
 * - hash the body bytes exactly as received, since decoding and re-encoding would change the
 *   digest of any body that is not valid UTF-8;
 * - accept PagerDuty headers carrying several signatures, as PagerDuty sends during rotation;
 * - never short-circuit on the length of a supplied signature: every candidate is parsed into a
 *   fixed-size digest first, so the only comparisons made are equal-length constant-time ones.
 */

export type WebhookSource = "slack" | "github" | "pagerduty" | "incidentio";

export type SignatureReason =
  | "missing_secret"
  | "missing_signature_header"
  | "missing_timestamp_header"
  | "missing_webhook_id_header"
  | "invalid_timestamp"
  | "stale_timestamp"
  | "invalid_signature_format"
  | "bad_signature";

export type Verification = { ok: true } | { ok: false; reason: SignatureReason };

/** Headers with lower-case names (a plain object; what Hono's c.req.header() gives). */
export type Headers = Record<string, string | undefined>;

export interface VerifyInput {
  /** The shared signing secret; undefined or blank is refused, never treated as "skip checks". */
  secret: string | undefined;
  headers: Headers;
  /** The body as received; a string is taken as UTF-8. */
  rawBody: string | Uint8Array;
  /** Defaults to Date.now(); injectable so the verifiers stay pure and testable. */
  nowMs?: number;
  /** Allowed clock difference either way for the timestamped schemes (Slack, incident.io). */
  toleranceSeconds?: number;
}

export const DEFAULT_TOLERANCE_SECONDS = 300;

const SHA256_BYTES = 32;
const HEX_DIGEST = /^[0-9a-f]{64}$/i;

const OK: Verification = { ok: true };
const fail = (reason: SignatureReason): Verification => ({ ok: false, reason });

const verifiers: Record<WebhookSource, (input: VerifyInput) => Verification> = {
  slack: verifySlack,
  github: verifyGitHub,
  pagerduty: verifyPagerDuty,
  incidentio: verifyIncidentIo,
};

export function verifyWebhook(source: WebhookSource, input: VerifyInput): Verification {
  return verifiers[source](input);
}

/** Slack request signing, version v0: `v0=` + hex HMAC of `v0:<timestamp>:<body>`. */
export function verifySlack(input: VerifyInput): Verification {
  const secret = usableSecret(input.secret);
  if (secret === undefined) return fail("missing_secret");
  const header = headerValue(input.headers, "x-slack-signature");
  if (header === undefined) return fail("missing_signature_header");
  const timestamp = headerValue(input.headers, "x-slack-request-timestamp");
  if (timestamp === undefined) return fail("missing_timestamp_header");
  const window = checkTimestamp(timestamp, input);
  if (window) return window;

  if (!header.startsWith("v0=")) return fail("invalid_signature_format");
  const supplied = parseHexDigest(header.slice(3));
  if (!supplied) return fail("invalid_signature_format");

  const expected = hmac(secret, [`v0:${timestamp}:`, input.rawBody]);
  return anyMatches(expected, [supplied]) ? OK : fail("bad_signature");
}

/** GitHub `X-Hub-Signature-256`: `sha256=` + hex HMAC of the body. The legacy SHA-1 header is refused. */
export function verifyGitHub(input: VerifyInput): Verification {
  const secret = usableSecret(input.secret);
  if (secret === undefined) return fail("missing_secret");
  const header = headerValue(input.headers, "x-hub-signature-256");
  if (header === undefined) return fail("missing_signature_header");

  if (!header.startsWith("sha256=")) return fail("invalid_signature_format");
  const supplied = parseHexDigest(header.slice(7));
  if (!supplied) return fail("invalid_signature_format");

  const expected = hmac(secret, [input.rawBody]);
  return anyMatches(expected, [supplied]) ? OK : fail("bad_signature");
}

/**
 * PagerDuty V3 `X-PagerDuty-Signature`: comma-separated `v1=<hex>` entries, one per active secret,
 * so a delivery made mid-rotation still verifies against whichever secret we hold.
 */
export function verifyPagerDuty(input: VerifyInput): Verification {
  const secret = usableSecret(input.secret);
  if (secret === undefined) return fail("missing_secret");
  const header = headerValue(input.headers, "x-pagerduty-signature");
  if (header === undefined) return fail("missing_signature_header");

  // Entries of versions we do not know are skipped rather than refused, so a future scheme
  // sent alongside v1 does not break verification.
  const candidates = versionedEntries(header.split(","), "=", "v1").map(parseHexDigest);
  const supplied = candidates.filter((digest) => digest !== undefined);
  if (supplied.length === 0) return fail("invalid_signature_format");

  const expected = hmac(secret, [input.rawBody]);
  return anyMatches(expected, supplied) ? OK : fail("bad_signature");
}

/**
 * incident.io, which follows Standard Webhooks: space-separated `v1,<base64>` entries over
 * `<webhook-id>.<webhook-timestamp>.<body>`, keyed by the base64-decoded `whsec_` secret.
 */
export function verifyIncidentIo(input: VerifyInput): Verification {
  const secret = usableSecret(input.secret);
  if (secret === undefined) return fail("missing_secret");
  const key = standardWebhooksKey(secret);
  if (key.length === 0) return fail("missing_secret");
  const header = headerValue(input.headers, "webhook-signature");
  if (header === undefined) return fail("missing_signature_header");
  const timestamp = headerValue(input.headers, "webhook-timestamp");
  if (timestamp === undefined) return fail("missing_timestamp_header");
  const id = headerValue(input.headers, "webhook-id");
  if (id === undefined) return fail("missing_webhook_id_header");
  const window = checkTimestamp(timestamp, input);
  if (window) return window;

  // "v1a" (asymmetric) and any later versions are skipped: we only hold a symmetric secret.
  const candidates = versionedEntries(header.split(/\s+/), ",", "v1").map(parseBase64Digest);
  const supplied = candidates.filter((digest) => digest !== undefined);
  if (supplied.length === 0) return fail("invalid_signature_format");

  const expected = hmac(key, [`${id}.${timestamp}.`, input.rawBody]);
  return anyMatches(expected, supplied) ? OK : fail("bad_signature");
}

/** A blank secret is almost always an unset or mis-quoted env var, so it is refused like a missing one. */
function usableSecret(secret: string | undefined): string | undefined {
  return secret === undefined || secret.trim() === "" ? undefined : secret;
}

function headerValue(headers: Headers, name: string): string | undefined {
  const value = headers[name]?.trim();
  return value ? value : undefined;
}

function checkTimestamp(text: string, input: VerifyInput): Verification | undefined {
  const toleranceSeconds = input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const nowMs = input.nowMs ?? Date.now();
  // NaN would make every age comparison false and so accept any timestamp: refuse to run instead.
  if (!Number.isFinite(toleranceSeconds) || toleranceSeconds < 0) {
    throw new RangeError(`toleranceSeconds must be a finite, non-negative number, got ${toleranceSeconds}`);
  }
  if (!Number.isFinite(nowMs)) throw new RangeError(`nowMs must be a finite number, got ${nowMs}`);

  // Digits only: Number() would also take "1e9", "0x5f" or " 12 ", which no sender emits.
  if (!/^\d{1,15}$/.test(text)) return fail("invalid_timestamp");
  // Both directions: a far-future timestamp would otherwise let a captured request be replayed later.
  const ageMs = Math.abs(nowMs - Number(text) * 1000);
  return ageMs > toleranceSeconds * 1000 ? fail("stale_timestamp") : undefined;
}

/** The values of the `version<separator>value` entries whose version is `version`; others are dropped. */
function versionedEntries(entries: string[], separator: string, version: string): string[] {
  const prefix = `${version}${separator}`;
  return entries
    .map((entry) => entry.trim())
    .filter((entry) => entry.startsWith(prefix))
    .map((entry) => entry.slice(prefix.length));
}

function parseHexDigest(text: string): Buffer | undefined {
  return HEX_DIGEST.test(text) ? Buffer.from(text, "hex") : undefined;
}

function parseBase64Digest(text: string): Buffer | undefined {
  const bytes = decodeBase64(text);
  return bytes?.length === SHA256_BYTES ? bytes : undefined;
}

/**
 * Strict base64: Buffer.from silently skips characters outside the alphabet, which would let
 * two different secrets decode to the same key, so only text that round-trips is accepted.
 */
function decodeBase64(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return undefined;
  if (text.includes("=") && text.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(text, "base64");
  const unpadded = (s: string) => s.replace(/=+$/, "");
  return unpadded(bytes.toString("base64")) === unpadded(text) ? bytes : undefined;
}

/**
 * Standard Webhooks secrets are base64 behind a `whsec_` prefix. Some senders hand out the bare
 * base64, and a secret that is not base64 at all can only have been used as text, so fall back.
 */
function standardWebhooksKey(secret: string): Buffer {
  const body = secret.startsWith("whsec_") ? secret.slice("whsec_".length) : secret;
  return decodeBase64(body) ?? Buffer.from(body, "utf8");
}

function hmac(key: string | Buffer, parts: Array<string | Uint8Array>): Buffer {
  const mac = createHmac("sha256", key);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

/** Every candidate is compared, even after a match, so timing does not reveal which one matched. */
function anyMatches(expected: Buffer, candidates: Buffer[]): boolean {
  let matched = false;
  for (const candidate of candidates) matched = timingSafeEqual(expected, candidate) || matched;
  return matched;
}
