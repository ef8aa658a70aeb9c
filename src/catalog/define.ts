import type { z } from "zod";
import type { Sql } from "../db/index.ts";
import { ToolError } from "./errors.ts";

export const ROLES = ["ops", "event-producer", "finance", "marketing", "viewer"] as const;
export type Role = (typeof ROLES)[number];

export const RISKS = ["low", "medium", "high"] as const;
export type Risk = (typeof RISKS)[number];

export const DOMAINS = [
  "data-read",
  "profile-integrity",
  "payments",
  "growth-marketing",
  "platform-db-edge",
  "eventbrite-charts",
  "memory",
  "slack-knowledge",
] as const;
export type Domain = (typeof DOMAINS)[number];

export type PiiKind = "email" | "phone" | "card" | "text";

/** How the gateway treats a tool; deployments may override roles, risk, approval and enablement. */
export interface ToolPolicy {
  roles: readonly Role[];
  risk: Risk;
  /** Changes state (database rows, messages, money), whatever its risk label says. */
  writes: boolean;
  requiresApproval: boolean;
  /** The formatted result may go to the user without a model rewriting it. */
  passthrough: boolean;
  maxCallsPerRequest: number;
  enabled: boolean;
}

/** Who is calling, as established by authentication — never taken from a request body. */
export interface Caller {
  userId: string;
  role: Role;
  teamId: string | null;
  channelId: string | null;
  sessionId: string | null;
  /** How the caller authenticated: "token" (personal bearer), "internal" (signed), "stdio". */
  via: "token" | "internal" | "stdio";
}

/** The Supabase Edge Functions that write tools call (see `artbattle-schema.md` §7). */
export const EDGE_FUNCTIONS = [
  "admin-send-invitation",
  "process-artist-payment",
  "send-payment-setup-reminder",
  "fetch-eventbrite-data",
] as const;
export type EdgeFunctionName = (typeof EDGE_FUNCTIONS)[number];

/**
 * Edge Functions as a tool sees them: over HTTP to Supabase, or the local implementation in
 * embedded/demo mode. Failures (timeout, non-2xx, unreachable) are thrown as ToolError UPSTREAM.
 */
export interface EdgeFunctions {
  invoke<T = unknown>(
    name: EdgeFunctionName,
    payload: Record<string, unknown>,
    options?: { idempotencyKey?: string | null; caller?: Caller },
  ): Promise<T>;
}

/**
 * Eventbrite's REST API (v3) as tools see it. Paths are relative to the API root ("/users/me/").
 * Failures (timeout, non-2xx, unreachable) are thrown as ToolError UPSTREAM naming Eventbrite.
 */
export interface EventbriteApi {
  /** The organization id configured for this deployment (EB_ORG_ID), if any. */
  readonly orgId: string | undefined;
  get<T = unknown>(path: string, query?: Record<string, string>): Promise<T>;
  /**
   * Follow Eventbrite's continuation/page pagination on `path` and collect the `key` list of every
   * page, at most `maxPages` pages; `complete` is false when pages were left unread.
   */
  getAll<T = unknown>(
    path: string,
    key: string,
    options?: { query?: Record<string, string>; maxPages?: number },
  ): Promise<{ items: T[]; pages: number; complete: boolean }>;
}

/** A stored image, as a tool result refers to it: never the bytes themselves. */
export interface ImageRef {
  id: string;
  /** Where a person (or a client holding a token) fetches it; signed and time-limited. */
  url: string;
  media_type: "image/png";
  width: number;
  height: number;
  bytes: number;
}

/** An image to store: the PNG and what it is. */
export interface NewImage {
  png: Uint8Array;
  width: number;
  height: number;
  kind: string;
  eid?: string | null;
  createdBy: string;
  /** A hash of everything the image shows; lets `reuse` find it instead of drawing it again. */
  contentKey?: string | null;
}

/** Rendered images a tool hands back by reference (charts). */
export interface ImageStore {
  /** Stores the image outside the call's transaction, so a read-only call can keep it. */
  save(image: NewImage): Promise<ImageRef>;
  /** A stored image of this kind and content key, if one exists (a fresh link to it), else null. */
  reuse(kind: string, contentKey: string): Promise<ImageRef | null>;
}

export interface ToolContext {
  /** A transaction: read-only with a statement timeout for read tools, read-write for writes. */
  sql: Sql;
  caller: Caller;
  /** Most rows any list in a result may carry; handlers LIMIT to it (plus one to detect truncation). */
  rowCap: number;
  edge: EdgeFunctions;
  /**
   * For a write run under an approval: derived from that approval, so a retried call never pays or
   * messages twice. Null for calls without an approval.
   */
  idempotencyKey: string | null;
  /** Null when no Eventbrite token is configured: tools then work from the cached rows and say so. */
  eventbrite: EventbriteApi | null;
  images: ImageStore;
  /**
   * Bookkeeping writes a read tool keeps (score caches, chart logs) in a short transaction of their
   * own on Arthur's pool, outside the call's read-only transaction. Never for business data.
   */
  record<T>(work: (sql: Sql) => Promise<T>): Promise<T>;
}

export interface ToolDefinition<Input extends z.ZodObject = z.ZodObject, Result = unknown> {
  name: string;
  domain: Domain;
  title: string;
  /** Written for a model: when to use the tool and what it returns. */
  description: string;
  input: Input;
  /** Result fields (by key, at any depth) holding personal data, masked by policy for non-ops callers. */
  pii?: Readonly<Record<string, PiiKind>>;
  policy: ToolPolicy;
  handler: (args: z.output<Input>, ctx: ToolContext) => Promise<Result>;
  /** Plain text for passthrough answers (no model in between). */
  format: (result: Result) => string;
}

type PolicyDefaults = Omit<ToolPolicy, "enabled" | "passthrough" | "requiresApproval" | "writes"> &
  Partial<Pick<ToolPolicy, "enabled" | "passthrough" | "requiresApproval" | "writes">>;

/** Define a tool once; the gateway, MCP and the assistant all derive what they need from it. */
export function defineTool<Input extends z.ZodObject, Result>(
  definition: Omit<ToolDefinition<Input, Result>, "policy"> & { policy: PolicyDefaults },
): ToolDefinition<Input, Result> {
  const { policy } = definition;
  return {
    ...definition,
    policy: {
      enabled: true,
      passthrough: false,
      requiresApproval: false,
      writes: false,
      ...policy,
    },
  };
}

/** A tool of any input and result type, as stored in a registry. */
// biome-ignore lint/suspicious/noExplicitAny: the registry holds tools of every input and result type
export type AnyTool = ToolDefinition<z.ZodObject, any>;

/**
 * The idempotency key of a call that moves money or sends a message. Such a call only runs under an
 * approval, whatever a deployment's policy file says, because the key is derived from it.
 */
export function requireIdempotencyKey(ctx: ToolContext, toolName: string): string {
  if (!ctx.idempotencyKey) {
    throw new ToolError(
      "APPROVAL_REQUIRED",
      `${toolName} moves money or sends messages, so it runs only with a confirmed approval`,
    );
  }
  return ctx.idempotencyKey;
}
