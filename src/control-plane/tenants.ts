import { createHash, randomBytes } from "node:crypto";
import type { Role } from "../catalog/index.ts";
import type { Sql } from "../db/index.ts";
import type { Principal, Scope } from "./access.ts";
import type { RoutingKind } from "./alerts.ts";
import { mergeConfig, type TenantConfig, tenantConfigSchema } from "./config.ts";
import { ControlPlaneError } from "./errors.ts";

export const ROUTING_KINDS: readonly RoutingKind[] = [
  "slack_channel",
  "github_repo",
  "pagerduty_service",
  "incidentio_alert_source",
];

export interface Route {
  kind: RoutingKind;
  value: string;
}

export interface TeamRef {
  orgId: string;
  teamId: string;
}

export interface Team extends TeamRef {
  name: string;
  config: TenantConfig;
  routes: Route[];
}

/** GitHub repos are case-insensitive ("Owner/Repo" = "owner/repo"); other ids are exact. */
export function normaliseRoute(route: Route): Route {
  const value = route.value.trim();
  return { kind: route.kind, value: route.kind === "github_repo" ? value.toLowerCase() : value };
}

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

/** A new token: its kind in the prefix (so a leaked one is recognisable), 32 random bytes. */
function newToken(kind: "admin" | "team"): string {
  return `arthur_${kind === "admin" ? "adm" : "team"}_${randomBytes(32).toString("base64url")}`;
}

export interface IssuedToken {
  id: string;
  token: string;
  expiresAt: Date | null;
}

export interface TokenRow {
  id: string;
  kind: "admin" | "team";
  orgId: string | null;
  teamId: string | null;
  scopes: string[];
  label: string;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

const TOKEN_COLUMNS = [
  "id",
  "kind",
  "org_id",
  "team_id",
  "scopes",
  "label",
  "created_at",
  "expires_at",
  "revoked_at",
];

interface TokenDbRow {
  id: string;
  kind: "admin" | "team";
  org_id: string | null;
  team_id: string | null;
  scopes: string[];
  label: string;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
}

function toTokenRow(row: TokenDbRow): TokenRow {
  return {
    id: row.id,
    kind: row.kind,
    orgId: row.org_id,
    teamId: row.team_id,
    scopes: row.scopes,
    label: row.label,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  };
}

interface RouteCache {
  version: bigint;
  routes: Map<string, TeamRef>;
}

const routeKey = (route: Route) => `${route.kind}\u0000${route.value}`;

/**
 * Orgs, teams, their configuration, routing identifiers and tokens, in Postgres. Routing lookups
 * come from an in-process copy of the routes table, reloaded when the table's version moves (every
 * change bumps it), so an event costs one small query instead of a scan of every team.
 */
export class Tenants {
  readonly #sql: Sql;
  #cache: RouteCache | null = null;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  async createOrg(id: string, name: string, config: TenantConfig = {}): Promise<void> {
    const rows = await this.#sql`
      insert into arthur_orgs (id, name, config) values (${id}, ${name}, ${this.#sql.json(checked(config) as never)})
      on conflict (id) do nothing returning id`;
    if (rows.length === 0) throw new ControlPlaneError("conflict", `Org ${id} already exists`);
  }

  async orgExists(id: string): Promise<boolean> {
    const rows = await this.#sql`select 1 from arthur_orgs where id = ${id}`;
    return rows.length === 1;
  }

  /** Create the team, or leave an existing one as it is; true when created now. */
  async ensureTeam(ref: TeamRef, name: string): Promise<boolean> {
    if (!(await this.orgExists(ref.orgId))) throw new ControlPlaneError("not_found", `No org ${ref.orgId}`);
    const rows = await this.#sql`
      insert into arthur_teams (org_id, id, name) values (${ref.orgId}, ${ref.teamId}, ${name})
      on conflict (org_id, id) do nothing returning id`;
    return rows.length === 1;
  }

  async team(ref: TeamRef): Promise<Team | null> {
    const [row] = await this.#sql<{ name: string; config: TenantConfig }[]>`
      select name, config from arthur_teams where org_id = ${ref.orgId} and id = ${ref.teamId}`;
    if (!row) return null;
    const routes = await this.#sql<Route[]>`
      select kind, value from arthur_routes where org_id = ${ref.orgId} and team_id = ${ref.teamId}
      order by kind, value`;
    return { ...ref, name: row.name, config: row.config, routes: [...routes] };
  }

  async teams(orgId: string): Promise<{ teamId: string; name: string }[]> {
    const rows = await this.#sql<{ id: string; name: string }[]>`
      select id, name from arthur_teams where org_id = ${orgId} order by id`;
    return rows.map((r) => ({ teamId: r.id, name: r.name }));
  }

  /** Replace an org's or a team's own configuration (validated); returns the new one. */
  async setConfig(ref: { orgId: string; teamId?: string }, config: unknown): Promise<TenantConfig> {
    const valid = checked(config);
    const rows = ref.teamId
      ? await this.#sql`
          update arthur_teams set config = ${this.#sql.json(valid as never)}, updated_at = now()
          where org_id = ${ref.orgId} and id = ${ref.teamId} returning 1`
      : await this.#sql`
          update arthur_orgs set config = ${this.#sql.json(valid as never)}, updated_at = now()
          where id = ${ref.orgId} returning 1`;
    if (rows.length === 0)
      throw new ControlPlaneError(
        "not_found",
        `No ${ref.teamId ? "team" : "org"} ${ref.teamId ?? ref.orgId}`,
      );
    return valid;
  }

  /** The team's configuration as it applies: the org's defaults with the team's own on top. */
  async effectiveConfig(ref: TeamRef): Promise<TenantConfig> {
    const [row] = await this.#sql<{ org: TenantConfig; team: TenantConfig }[]>`
      select o.config as org, t.config as team from arthur_teams t join arthur_orgs o on o.id = t.org_id
      where t.org_id = ${ref.orgId} and t.id = ${ref.teamId}`;
    if (!row) throw new ControlPlaneError("not_found", `No team ${ref.orgId}/${ref.teamId}`);
    return mergeConfig(row.org, row.team);
  }

  /**
   * Claim routing identifiers for a team, all or none: one already claimed by another team is a
   * conflict (409) naming it; claiming one the team already has changes nothing.
   */
  async addRoutes(ref: TeamRef, routes: readonly Route[], tx?: Sql): Promise<void> {
    const wanted = routes.map(normaliseRoute);
    if (wanted.length === 0) return;
    const claim = async (sql: Sql) => {
      const conflicts: { kind: RoutingKind; value: string; orgId: string; teamId: string }[] = [];
      for (const route of wanted) {
        // Insert first, then read the owner: of two teams claiming one identifier at once, exactly
        // one insert lands, and the other sees the winner instead of succeeding silently.
        await sql`
          insert into arthur_routes (kind, value, org_id, team_id)
          values (${route.kind}, ${route.value}, ${ref.orgId}, ${ref.teamId})
          on conflict (kind, value) do nothing`;
        const [owner] = await sql<{ org_id: string; team_id: string }[]>`
          select org_id, team_id from arthur_routes where kind = ${route.kind} and value = ${route.value}`;
        if (owner && (owner.org_id !== ref.orgId || owner.team_id !== ref.teamId)) {
          conflicts.push({ ...route, orgId: owner.org_id, teamId: owner.team_id });
        }
      }
      const first = conflicts[0];
      if (first) {
        throw new ControlPlaneError(
          "conflict",
          `${first.kind} ${first.value} already routes to team ${first.orgId}/${first.teamId}`,
          { conflicts },
        );
      }
    };
    // All or none: a conflict undoes this call's other claims.
    if (tx) await claim(tx);
    else await this.#sql.begin((t) => claim(t as unknown as Sql));
  }

  async removeRoutes(ref: TeamRef, routes: readonly Route[]): Promise<number> {
    let removed = 0;
    for (const route of routes.map(normaliseRoute)) {
      const rows = await this.#sql`
        delete from arthur_routes where kind = ${route.kind} and value = ${route.value}
          and org_id = ${ref.orgId} and team_id = ${ref.teamId} returning 1`;
      removed += rows.length;
    }
    return removed;
  }

  /** Which team an identifier routes to, from the cached copy (reloaded when routes changed). */
  async route(route: Route): Promise<TeamRef | null> {
    const [current] = await this.#sql<
      { version: string }[]
    >`select version::text from arthur_routing_version`;
    const version = BigInt(current?.version ?? "0");
    if (!this.#cache || this.#cache.version !== version) {
      const rows = await this.#sql<{ kind: RoutingKind; value: string; org_id: string; team_id: string }[]>`
        select kind, value, org_id, team_id from arthur_routes`;
      this.#cache = {
        version,
        routes: new Map(rows.map((r) => [routeKey(r), { orgId: r.org_id, teamId: r.team_id }])),
      };
    }
    return this.#cache.routes.get(routeKey(normaliseRoute(route))) ?? null;
  }

  /** The team owning a Slack channel, with its effective configuration (null: no team owns it). */
  async channelTeam(channelId: string): Promise<{ team: TeamRef; config: TenantConfig } | null> {
    const team = await this.route({ kind: "slack_channel", value: channelId });
    return team ? { team, config: await this.effectiveConfig(team) } : null;
  }

  /** A Slack user's role in a channel some team owns: that team's (effective) role map. */
  async slackRole(userId: string, channelId: string): Promise<Role | null> {
    const team = await this.route({ kind: "slack_channel", value: channelId });
    if (!team) return null;
    return (await this.effectiveConfig(team)).role_map?.[userId] ?? null;
  }

  // Tokens ------------------------------------------------------------------------------------

  /** Issue a token, shown once; only its hash is kept. */
  async issueToken(
    input: {
      kind: "admin" | "team";
      orgId: string | null;
      teamId?: string | null;
      scopes: readonly Scope[];
      label?: string;
      ttlMs?: number | null;
      rotatedFrom?: string | null;
    },
    tx: Sql = this.#sql,
  ): Promise<IssuedToken> {
    const token = newToken(input.kind);
    const expiresAt = input.ttlMs ? new Date(Date.now() + input.ttlMs) : null;
    const [row] = await tx<{ id: string }[]>`
      insert into arthur_cp_tokens (kind, token_hash, org_id, team_id, scopes, label, expires_at, rotated_from)
      values (${input.kind}, ${hashToken(token)}, ${input.orgId}, ${input.teamId ?? null},
              ${tx.array([...input.scopes])}, ${input.label ?? ""}, ${expiresAt}, ${input.rotatedFrom ?? null})
      returning id`;
    if (!row) throw new Error("token insert returned no row");
    return { id: row.id, token, expiresAt };
  }

  /** The principal a presented token stands for: null when unknown, revoked or expired. */
  async principal(token: string): Promise<Principal | null> {
    const [row] = await this.#sql<Pick<TokenDbRow, "id" | "kind" | "org_id" | "team_id" | "scopes">[]>`
      update arthur_cp_tokens set last_used_at = now()
      where token_hash = ${hashToken(token)} and revoked_at is null and (expires_at is null or expires_at > now())
      returning id, kind, org_id, team_id, scopes`;
    return row
      ? { tokenId: row.id, kind: row.kind, orgId: row.org_id, teamId: row.team_id, scopes: row.scopes }
      : null;
  }

  async tokenRow(id: string): Promise<TokenRow | null> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
    const [row] = await this.#sql<TokenDbRow[]>`
      select ${this.#sql(TOKEN_COLUMNS)} from arthur_cp_tokens where id = ${id}`;
    return row ? toTokenRow(row) : null;
  }

  /** An org's tokens (null: the installation's), oldest first, in one query. */
  async listTokens(orgId: string | null): Promise<TokenRow[]> {
    const rows = await this.#sql<TokenDbRow[]>`
      select ${this.#sql(TOKEN_COLUMNS)} from arthur_cp_tokens
      where org_id is not distinct from ${orgId} order by created_at`;
    return rows.map(toTokenRow);
  }

  async revokeToken(id: string): Promise<boolean> {
    const rows = await this.#sql`
      update arthur_cp_tokens set revoked_at = now() where id = ${id} and revoked_at is null returning 1`;
    return rows.length === 1;
  }

  /** A new token with the same kind, tenant and scopes; the old one stops working in the same transaction. */
  async rotateToken(id: string, ttlMs: number | null): Promise<IssuedToken> {
    return this.#sql.begin(async (tx) => {
      const [old] = await tx<
        {
          kind: "admin" | "team";
          org_id: string | null;
          team_id: string | null;
          scopes: string[];
          label: string;
        }[]
      >`
        update arthur_cp_tokens set revoked_at = now()
        where id = ${id} and revoked_at is null returning kind, org_id, team_id, scopes, label`;
      if (!old) throw new ControlPlaneError("not_found", `No active token ${id}`);
      return this.issueToken(
        {
          kind: old.kind,
          orgId: old.org_id,
          teamId: old.team_id,
          scopes: old.scopes as Scope[],
          label: old.label,
          ttlMs,
          rotatedFrom: id,
        },
        tx as unknown as Sql,
      );
    }) as Promise<IssuedToken>;
  }
}

/** A configuration checked against the schema; a bad one is a 400 naming each problem. */
export function checked(config: unknown): TenantConfig {
  const parsed = tenantConfigSchema.safeParse(config ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "config"}: ${i.message}`);
  throw new ControlPlaneError("invalid_request", `Invalid configuration: ${problems.join("; ")}`, {
    problems,
  });
}
