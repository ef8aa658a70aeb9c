import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { jwtVerify, SignJWT } from "jose";
import {
  type Caller,
  type ImageRef,
  type RedactionTally,
  ROLES,
  type Role,
  ToolError,
} from "../catalog/index.ts";
import type { Sql } from "../db/index.ts";

/**
 * Internal callers (the assistant) authenticate twice, with separate secrets:
 * - a short-lived **caller token** (HS256 JWT) naming user, team, channel, role, session and the
 *   request (one user question) it belongs to;
 * - a **request signature** over timestamp, nonce, method, path and body. Each nonce is accepted
 *   once, by any replica (the nonce store is in Postgres).
 */
export interface InternalSecrets {
  callerSecret: string;
  signingSecret: string;
}

const ISSUER = "arthur-assistant";
const AUDIENCE = "arthur-gateway";
/** Lifetime of a caller token: one user question's worth of tool calls. */
const CALLER_TOKEN_TTL_S = 300;

/** How far a request's timestamp may be from the gateway's clock, either way. */
export const SIGNATURE_WINDOW_MS = 60_000;

export interface InternalCaller extends Caller {
  /** The user question this call belongs to; per-request call limits count against it. */
  requestId: string;
}

export async function mintCallerToken(
  secret: string,
  caller: Omit<InternalCaller, "via">,
  ttlSeconds = 300,
): Promise<string> {
  return new SignJWT({
    role: caller.role,
    team: caller.teamId,
    channel: caller.channelId,
    sid: caller.sessionId,
    rid: caller.requestId,
  })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(caller.userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(new TextEncoder().encode(secret));
}

/**
 * Verified caller tokens per secret, by their exact text, until they expire: the assistant reuses a
 * token for every tool call of one question, and re-checking its HMAC each time is wasted work.
 */
const verifiedTokens = new Map<string, Map<string, { caller: InternalCaller; until: number }>>();

export async function verifyCallerToken(secret: string, token: string): Promise<InternalCaller> {
  let bySecret = verifiedTokens.get(secret);
  if (!bySecret) {
    bySecret = new Map();
    verifiedTokens.set(secret, bySecret);
  }
  const cached = bySecret.get(token);
  if (cached && cached.until > Date.now()) return cached.caller;
  const { expiresAt, ...caller } = await verifyCallerTokenUncached(secret, token);
  if (bySecret.size > 5000) bySecret.clear();
  bySecret.set(token, { caller, until: expiresAt });
  return caller;
}

async function verifyCallerTokenUncached(
  secret: string,
  token: string,
): Promise<InternalCaller & { expiresAt: number }> {
  try {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ["HS256"],
      requiredClaims: ["sub", "exp", "rid"],
    });
    const role = payload.role as Role;
    if (!ROLES.includes(role)) throw new Error("unknown role");
    const text = (v: unknown) => (typeof v === "string" && v ? v : null);
    return {
      userId: String(payload.sub),
      role,
      teamId: text(payload.team),
      channelId: text(payload.channel),
      sessionId: text(payload.sid),
      requestId: String(payload.rid),
      via: "internal",
      expiresAt: Number(payload.exp) * 1000,
    };
  } catch {
    throw new ToolError("UNAUTHENTICATED", "The caller token is invalid or expired");
  }
}

export interface SignedParts {
  method: string;
  path: string;
  body: string;
  timestamp: string;
  nonce: string;
}

export function signRequest(secret: string, parts: SignedParts): string {
  const base = ["v1", parts.timestamp, parts.nonce, parts.method.toUpperCase(), parts.path, parts.body].join(
    "\n",
  );
  return createHmac("sha256", secret).update(base).digest("hex");
}

export function newNonce(): string {
  return randomBytes(18).toString("base64url");
}

/** Each nonce is accepted once until its signature window has passed. */
export class NonceStore {
  readonly #sql: Sql;
  #claims = 0;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  async claim(nonce: string, expiresAt: Date): Promise<boolean> {
    if (++this.#claims % 500 === 0) {
      void this.#sql`delete from arthur_request_nonces where expires_at < now()`.catch(() => {});
    }
    const rows = await this.#sql`
      insert into arthur_request_nonces (nonce, expires_at) values (${nonce}, ${expiresAt})
      on conflict (nonce) do nothing returning nonce`;
    return rows.length === 1;
  }
}

/** Check an internal request: caller token, then timestamp window, signature and nonce. */
export async function verifyInternalRequest(options: {
  secrets: InternalSecrets;
  nonces: NonceStore;
  authorization: string | undefined;
  timestamp: string | undefined;
  nonce: string | undefined;
  signature: string | undefined;
  method: string;
  path: string;
  body: string;
  now?: number;
}): Promise<InternalCaller> {
  const token = /^Bearer\s+(\S+)$/i.exec(options.authorization ?? "")?.[1];
  if (!token)
    throw new ToolError("UNAUTHENTICATED", "A caller token is required (Authorization: Bearer <token>)");
  const caller = await verifyCallerToken(options.secrets.callerSecret, token);

  const { timestamp, nonce, signature } = options;
  if (!timestamp || !/^\d{13}$/.test(timestamp) || !nonce || !/^[A-Za-z0-9_-]{16,128}$/.test(nonce)) {
    throw new ToolError("UNAUTHENTICATED", "x-arthur-timestamp (ms) and x-arthur-nonce headers are required");
  }
  if (!signature || !/^[0-9a-f]{64}$/.test(signature)) {
    throw new ToolError("UNAUTHENTICATED", "x-arthur-signature must be a hex HMAC-SHA256");
  }
  const now = options.now ?? Date.now();
  if (Math.abs(now - Number(timestamp)) > SIGNATURE_WINDOW_MS) {
    throw new ToolError("UNAUTHENTICATED", "The request timestamp is outside the accepted window");
  }
  const expected = signRequest(options.secrets.signingSecret, { ...options, timestamp, nonce });
  if (!timingSafeEqual(Buffer.from(expected, "hex"), Buffer.from(signature, "hex"))) {
    throw new ToolError("UNAUTHENTICATED", "The request signature does not match");
  }
  const fresh = await options.nonces.claim(nonce, new Date(Number(timestamp) + SIGNATURE_WINDOW_MS));
  if (!fresh) throw new ToolError("REPLAYED", "This request was already received (replayed nonce)");
  return caller;
}

export interface InternalCallOutcome {
  ok: boolean;
  status: number;
  body: {
    ok: boolean;
    tool?: string;
    result?: unknown;
    text?: string;
    /** Approval answers: the call the approval is for. */
    arguments?: Record<string, unknown>;
    /** Approval answers: who asked for the call (it runs as them). */
    requested_by?: string;
    images?: ImageRef[];
    redactions?: RedactionTally;
    truncated?: boolean;
    error?: { code: string; message: string; details?: unknown };
  };
}

async function send(prepared: { url: string; init: RequestInit }): Promise<InternalCallOutcome> {
  const response = await fetch(prepared.url, prepared.init);
  const body = (await response.json()) as InternalCallOutcome["body"];
  return { ok: response.ok, status: response.status, body };
}

/** The assistant's side: mint a caller token, sign and send one tool call. */
export class InternalGatewayClient {
  readonly #baseUrl: string;
  readonly #secrets: InternalSecrets;
  readonly #tokens = new Map<string, { token: string; until: number }>();

  constructor(baseUrl: string, secrets: InternalSecrets) {
    this.#baseUrl = baseUrl.replace(/\/$/, "");
    this.#secrets = secrets;
  }

  /** Build the headers and body of a signed call (exposed so tests can replay one). */
  async prepare(caller: Omit<InternalCaller, "via">, toolName: string, args: unknown, approvalId?: string) {
    const path = `/internal/v1/tools/${encodeURIComponent(toolName)}`;
    const body = JSON.stringify({
      arguments: args ?? {},
      ...(approvalId ? { approval_id: approvalId } : {}),
    });
    return this.#signed(caller, path, body);
  }

  /** Confirm a pending approval as its requester. */
  async confirm(caller: Omit<InternalCaller, "via">, approvalId: string): Promise<InternalCallOutcome> {
    const path = `/internal/v1/approvals/${encodeURIComponent(approvalId)}/confirm`;
    return send(await this.#signed(caller, path, "{}"));
  }

  /** Cancel a pending approval as its requester. */
  async cancel(caller: Omit<InternalCaller, "via">, approvalId: string): Promise<InternalCallOutcome> {
    const path = `/internal/v1/approvals/${encodeURIComponent(approvalId)}/cancel`;
    return send(await this.#signed(caller, path, "{}"));
  }

  /** One caller token per caller and request, reused until a minute before it expires. */
  async #callerToken(caller: Omit<InternalCaller, "via">): Promise<string> {
    const key = JSON.stringify([
      caller.userId,
      caller.role,
      caller.teamId,
      caller.channelId,
      caller.sessionId,
      caller.requestId,
    ]);
    const cached = this.#tokens.get(key);
    if (cached && cached.until > Date.now()) return cached.token;
    const token = await mintCallerToken(this.#secrets.callerSecret, caller, CALLER_TOKEN_TTL_S);
    if (this.#tokens.size > 1000) this.#tokens.clear();
    this.#tokens.set(key, { token, until: Date.now() + (CALLER_TOKEN_TTL_S - 60) * 1000 });
    return token;
  }

  async #signed(caller: Omit<InternalCaller, "via">, path: string, body: string) {
    const timestamp = String(Date.now());
    const nonce = newNonce();
    const token = await this.#callerToken(caller);
    const signature = signRequest(this.#secrets.signingSecret, {
      method: "POST",
      path,
      body,
      timestamp,
      nonce,
    });
    return {
      url: `${this.#baseUrl}${path}`,
      init: {
        method: "POST",
        headers: {
          authorization: `Bearer ${token}`,
          "content-type": "application/json",
          "x-arthur-timestamp": timestamp,
          "x-arthur-nonce": nonce,
          "x-arthur-signature": signature,
        },
        body,
      },
    };
  }

  /** Run one tool as `caller`; `approvalId` for a call the requester has confirmed. */
  async call(
    caller: Omit<InternalCaller, "via">,
    toolName: string,
    args: unknown,
    approvalId?: string,
  ): Promise<InternalCallOutcome> {
    return send(await this.prepare(caller, toolName, args, approvalId));
  }
}

/**
 * Per-request tool-call counts, keyed by the request id in the caller token, kept ten minutes.
 * Held in this replica's memory: a request's calls normally reach one replica, and the limit is a
 * guard against runaway loops rather than a quota.
 */
export class RequestCallCounts {
  readonly #entries = new Map<string, { counts: Map<string, number>; until: number }>();
  readonly #ttlMs: number;

  constructor(ttlMs = 600_000) {
    this.#ttlMs = ttlMs;
  }

  for(requestId: string): Map<string, number> {
    const now = Date.now();
    if (this.#entries.size > 5000) {
      for (const [key, entry] of this.#entries) if (entry.until < now) this.#entries.delete(key);
    }
    let entry = this.#entries.get(requestId);
    if (!entry || entry.until < now) {
      entry = { counts: new Map(), until: now + this.#ttlMs };
      this.#entries.set(requestId, entry);
    }
    return entry.counts;
  }
}
