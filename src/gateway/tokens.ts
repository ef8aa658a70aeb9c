import { createHash, randomBytes } from "node:crypto";
import type { Caller, Role } from "../catalog/index.ts";
import type { Sql } from "../db/index.ts";

const TOKEN_PREFIX = "arthur_pat_";

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export interface TokenInfo {
  id: string;
  userId: string;
  role: Role;
  teamId: string | null;
  label: string | null;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

interface TokenRow {
  id: string;
  user_id: string;
  role: Role;
  team_id: string | null;
  label: string | null;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

function toInfo(row: TokenRow): TokenInfo {
  return {
    id: row.id,
    userId: row.user_id,
    role: row.role,
    teamId: row.team_id,
    label: row.label,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  };
}

/** Create a personal token. The token is returned once; only its hash is stored. */
export async function createToken(
  sql: Sql,
  options: {
    userId: string;
    role: Role;
    teamId?: string | null;
    label?: string | null;
    ttlMs?: number | null;
  },
): Promise<{ token: string; info: TokenInfo }> {
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
  const expiresAt = options.ttlMs ? new Date(Date.now() + options.ttlMs) : null;
  const [row] = await sql<TokenRow[]>`
    insert into arthur_api_tokens (token_hash, user_id, role, team_id, label, expires_at)
    values (${hashToken(token)}, ${options.userId}, ${options.role}, ${options.teamId ?? null},
            ${options.label ?? null}, ${expiresAt})
    returning *`;
  if (!row) throw new Error("token insert returned no row");
  return { token, info: toInfo(row) };
}

export async function listTokens(sql: Sql): Promise<TokenInfo[]> {
  const rows = await sql<TokenRow[]>`select * from arthur_api_tokens order by created_at desc`;
  return rows.map(toInfo);
}

/** Revoke by id (or unique id prefix). Returns the revoked token, or undefined if none matched. */
export async function revokeToken(sql: Sql, idOrPrefix: string): Promise<TokenInfo | undefined> {
  const matches = await sql<TokenRow[]>`
    select * from arthur_api_tokens where id::text like ${`${idOrPrefix.replace(/[\\%_]/g, "")}%`}`;
  if (matches.length !== 1) return undefined;
  const [row] = await sql<TokenRow[]>`
    update arthur_api_tokens set revoked_at = coalesce(revoked_at, now())
    where id = ${matches[0]?.id ?? ""} returning *`;
  return row ? toInfo(row) : undefined;
}

interface CacheEntry {
  caller: Promise<Caller | null>;
  until: number;
}

/**
 * Resolves bearer tokens to callers. Verified tokens are cached briefly so a busy client does not
 * cost a database round trip per call; a revocation therefore takes effect within `cacheMs`.
 */
export class TokenVerifier {
  readonly #sql: Sql;
  readonly #cacheMs: number;
  readonly #cache = new Map<string, CacheEntry>();

  constructor(sql: Sql, cacheMs = 10_000) {
    this.#sql = sql;
    this.#cacheMs = cacheMs;
  }

  verify(token: string): Promise<Caller | null> {
    if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return Promise.resolve(null);
    const now = Date.now();
    // Keyed by the token itself: this process holds it anyway, and a hit then costs no hashing.
    const cached = this.#cache.get(token);
    if (cached && cached.until > now) return cached.caller;
    // The pending lookup is cached too: when an entry expires under load, concurrent calls share
    // one query instead of queueing on the token row's lock.
    const entry: CacheEntry = { caller: Promise.resolve(null), until: now + this.#cacheMs };
    entry.caller = this.#lookup(token, entry);
    if (this.#cache.size > 10_000) this.#cache.clear();
    this.#cache.set(token, entry);
    return entry.caller;
  }

  /** Resolves the caller and shortens the entry's life: unknown tokens 1 s, expiring ones at expiry. */
  async #lookup(token: string, entry: CacheEntry): Promise<Caller | null> {
    let row: TokenRow | undefined;
    try {
      [row] = await this.#sql<TokenRow[]>`
        update arthur_api_tokens set last_used_at = now()
        where token_hash = ${hashToken(token)} and revoked_at is null and (expires_at is null or expires_at > now())
        returning *`;
    } catch (error) {
      this.#cache.delete(token);
      throw error;
    }
    if (!row) {
      entry.until = Math.min(entry.until, Date.now() + 1000);
      return null;
    }
    if (row.expires_at) entry.until = Math.min(entry.until, row.expires_at.getTime());
    return {
      userId: row.user_id,
      role: row.role,
      teamId: row.team_id,
      channelId: null,
      sessionId: null,
      via: "token",
    };
  }
}
