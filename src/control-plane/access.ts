/** What a control-plane token may do. `admin:*` holds every admin scope. */
export const ADMIN_SCOPES = [
  "admin:*",
  "admin:org",
  "admin:tokens",
  "admin:provision",
  "admin:provision:read",
  "admin:agent:run",
] as const;
export const TEAM_SCOPES = ["team:read"] as const;
export type AdminScope = (typeof ADMIN_SCOPES)[number];
export type TeamScope = (typeof TEAM_SCOPES)[number];
export type Scope = AdminScope | TeamScope;

/** Who presented a token: an admin of one org (or of every org: orgId null), or one team. */
export interface Principal {
  tokenId: string;
  kind: "admin" | "team";
  orgId: string | null;
  teamId: string | null;
  scopes: readonly string[];
}

/** What an endpoint needs: a scope, and the tenant it acts on (absent: installation-wide). */
export interface Need {
  scope: Scope;
  orgId?: string;
  teamId?: string;
}

export type Access =
  | { ok: true }
  | {
      ok: false;
      status: 401 | 403;
      code: "unauthenticated" | "insufficient_scope" | "other_tenant";
      message: string;
    };

const deny = (
  status: 401 | 403,
  code: "unauthenticated" | "insufficient_scope" | "other_tenant",
  message: string,
): Access => ({ ok: false, status, code, message });

/**
 * May this principal do this? Pure, and the only place the answer is made: scope first (admin
 * endpoints take admin tokens holding the scope or `admin:*`; team endpoints take the team's own
 * token), then tenant — an org's admin never acts on another org, a team never on another team, and
 * installation-wide actions (creating orgs) need an admin of every org.
 */
export function decideAccess(principal: Principal | null, need: Need): Access {
  if (!principal) return deny(401, "unauthenticated", "A bearer token is required");
  const adminScope = need.scope.startsWith("admin:");
  if (adminScope) {
    if (principal.kind !== "admin") return deny(403, "insufficient_scope", "This needs an admin token");
    if (!principal.scopes.includes(need.scope) && !principal.scopes.includes("admin:*")) {
      return deny(403, "insufficient_scope", `This token lacks the ${need.scope} scope`);
    }
    if (principal.orgId === null) return { ok: true };
    if (need.orgId === undefined) return deny(403, "other_tenant", "Only an installation admin may do this");
    if (need.orgId !== principal.orgId) return deny(403, "other_tenant", "This token belongs to another org");
    return { ok: true };
  }
  if (principal.kind !== "team" || !principal.scopes.includes(need.scope)) {
    return deny(403, "insufficient_scope", `This needs a team token with the ${need.scope} scope`);
  }
  if (need.orgId !== principal.orgId || (need.teamId !== undefined && need.teamId !== principal.teamId)) {
    return deny(403, "other_tenant", "This token belongs to another team");
  }
  return { ok: true };
}
