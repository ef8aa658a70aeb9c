import { ROLES, type Role } from "../../catalog/index.ts";
import type { Sql } from "../../db/index.ts";

/** Where a Slack user's role came from (reported with refusals and in `arthur roles list`). */
export type RoleSource = "table" | "team" | "config" | "open_channel";

export interface RoleDecision {
  role: Role;
  source: RoleSource;
}

/** Who may act in which role, from configuration (RBAC_USER_MAP_JSON, OPEN_VIEWER_CHANNELS). */
export interface RolePolicy {
  userRoles: Readonly<Record<string, Role>>;
  openViewerChannels: readonly string[];
}

/**
 * The role a Slack user acts with: the role table (edited at run time) wins; then the role map of
 * the team whose channel this is (control plane); then the configured map; someone in none may
 * still read as a viewer in an open channel; otherwise nobody — the channel answers with a polite
 * refusal.
 */
export function decideRole(
  who: { userId: string; channelId: string | null },
  stored: Role | null,
  policy: RolePolicy,
  teamRole: Role | null = null,
): RoleDecision | null {
  if (stored) return { role: stored, source: "table" };
  if (teamRole) return { role: teamRole, source: "team" };
  const configured = policy.userRoles[who.userId];
  if (configured) return { role: configured, source: "config" };
  if (who.channelId && policy.openViewerChannels.includes(who.channelId)) {
    return { role: "viewer", source: "open_channel" };
  }
  return null;
}

export interface StoredRole {
  slackUserId: string;
  role: Role;
  updatedBy: string;
  updatedAt: Date;
}

const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);

/** A team's own role map, for the channel a question comes from (the control plane's tenants). */
export type TeamRoleLookup = (userId: string, channelId: string) => Promise<Role | null>;

/** The role table (`arthur_user_roles`), team role maps and the configured policy together. */
export class RoleDirectory {
  readonly #sql: Sql;
  readonly #policy: RolePolicy;
  readonly #teamRole: TeamRoleLookup | null;

  constructor(sql: Sql, policy: RolePolicy, teamRole: TeamRoleLookup | null = null) {
    this.#sql = sql;
    this.#policy = policy;
    this.#teamRole = teamRole;
  }

  async roleFor(userId: string, channelId: string | null): Promise<RoleDecision | null> {
    const [row] = await this.#sql<{ role: string }[]>`
      select role from arthur_user_roles where slack_user_id = ${userId}`;
    const stored = row && isRole(row.role) ? row.role : null;
    const team = !stored && channelId && this.#teamRole ? await this.#teamRole(userId, channelId) : null;
    return decideRole({ userId, channelId }, stored, this.#policy, team);
  }

  /** Set (or change) a user's role; returns the role they had in the table before, if any. */
  async set(userId: string, role: Role, updatedBy: string): Promise<Role | null> {
    const [before] = await this.#sql<{ role: string }[]>`
      select role from arthur_user_roles where slack_user_id = ${userId}`;
    await this.#sql`
      insert into arthur_user_roles (slack_user_id, role, updated_by)
      values (${userId}, ${role}, ${updatedBy})
      on conflict (slack_user_id) do update
        set role = excluded.role, updated_by = excluded.updated_by, updated_at = now()`;
    return before && isRole(before.role) ? before.role : null;
  }

  /** Remove a user's row; the configured map (if it names them) applies again. */
  async remove(userId: string): Promise<boolean> {
    const rows = await this.#sql`delete from arthur_user_roles where slack_user_id = ${userId} returning 1`;
    return rows.length === 1;
  }

  async list(): Promise<StoredRole[]> {
    const rows = await this.#sql<
      { slack_user_id: string; role: string; updated_by: string; updated_at: Date }[]
    >`
      select slack_user_id, role, updated_by, updated_at from arthur_user_roles order by slack_user_id`;
    return rows
      .filter((r) => isRole(r.role))
      .map((r) => ({
        slackUserId: r.slack_user_id,
        role: r.role as Role,
        updatedBy: r.updated_by,
        updatedAt: r.updated_at,
      }));
  }
}
