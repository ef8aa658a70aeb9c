import type { Command } from "commander";
import { ADMIN_SCOPES, type Scope, Tenants } from "../control-plane/index.ts";
import { migrateArthur } from "../db/index.ts";
import { withDatabase } from "./db-commands.ts";
import { parseNumberOption, runCommand, UsageError } from "./runtime.ts";

const SLUG = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const ROUTE_KINDS = ["slack_channel", "github_repo", "pagerduty_service", "incidentio_alert_source"] as const;

function slugArg(value: string, what: string): string {
  if (!SLUG.test(value))
    throw new UsageError(`${what} "${value}" must be a slug: a-z, 0-9 and '-', at most 63 characters`);
  return value;
}

function scopesArg(value: string | undefined): Scope[] {
  const scopes = (value ?? "admin:*")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = scopes.filter((s) => !(ADMIN_SCOPES as readonly string[]).includes(s));
  if (unknown.length)
    throw new UsageError(`unknown scope ${unknown.join(", ")}; admin scopes are ${ADMIN_SCOPES.join(", ")}`);
  return scopes as Scope[];
}

/** `<kind>:<value>`, e.g. pagerduty_service:PABC123 or slack_channel:C0123ABCD. */
function routeArg(value: string): { kind: (typeof ROUTE_KINDS)[number]; value: string } {
  const at = value.indexOf(":");
  const kind = value.slice(0, at) as (typeof ROUTE_KINDS)[number];
  if (at < 1 || !ROUTE_KINDS.includes(kind) || value.length === at + 1) {
    throw new UsageError(`"${value}" must be <kind>:<value> with kind one of ${ROUTE_KINDS.join(", ")}`);
  }
  return { kind, value: value.slice(at + 1) };
}

const withTenants = (body: (tenants: Tenants) => Promise<void>) =>
  withDatabase(async (db) => {
    await migrateArthur(db.sql);
    await body(new Tenants(db.sql));
  });

/** `arthur org …` and `arthur team …`: the control plane's tenants from the command line. */
export function registerTenantCommands(program: Command): void {
  const org = program.command("org").description("control-plane orgs and their admin tokens");
  org
    .command("create <org-id>")
    .option("--name <name>", "display name (default: the id)")
    .description("create an org")
    .action((id: string, flags: { name?: string }) =>
      runCommand(() =>
        withTenants(async (tenants) => {
          await tenants.createOrg(slugArg(id, "org id"), flags.name ?? id);
          console.log(`org ${id} created`);
        }),
      ),
    );
  org
    .command("token [org-id]")
    .option("--installation", "an installation admin token (every org; creates orgs) instead of one org's")
    .option("--scopes <list>", `comma-separated (default admin:*): ${ADMIN_SCOPES.join(", ")}`)
    .option("--ttl-days <n>", "expire after n days (default: never)")
    .description("issue an admin token, printed once (only its hash is stored)")
    .action((id: string | undefined, flags: { installation?: boolean; scopes?: string; ttlDays?: string }) =>
      runCommand(async () => {
        if (Boolean(id) === Boolean(flags.installation))
          throw new UsageError("give an org id or --installation (one of them)");
        const scopes = scopesArg(flags.scopes);
        const ttlDays = flags.ttlDays
          ? parseNumberOption(
              "--ttl-days",
              flags.ttlDays,
              (n) => Number.isInteger(n) && n >= 1 && n <= 3650,
              "must be a whole number of days from 1 to 3650",
            )
          : null;
        await withTenants(async (tenants) => {
          const orgId = id ? slugArg(id, "org id") : null;
          if (orgId && !(await tenants.orgExists(orgId)))
            throw new UsageError(`no org ${orgId}: arthur org create ${orgId}`);
          const issued = await tenants.issueToken({
            kind: "admin",
            orgId,
            scopes,
            label: "cli",
            ttlMs: ttlDays ? ttlDays * 86_400_000 : null,
          });
          console.log(issued.token);
          console.error(
            `token ${issued.id} (${orgId ? `org ${orgId}` : "installation"}; ${scopes.join(", ")}) — shown once`,
          );
        });
      }),
    );

  const team = program.command("team").description("control-plane teams: create, route, show");
  team
    .command("create <org-id> <team-id>")
    .option("--name <name>", "display name (default: the id)")
    .description("create a team in an org")
    .action((orgId: string, teamId: string, flags: { name?: string }) =>
      runCommand(() =>
        withTenants(async (tenants) => {
          const ref = { orgId: slugArg(orgId, "org id"), teamId: slugArg(teamId, "team id") };
          const created = await tenants.ensureTeam(ref, flags.name ?? teamId);
          console.log(created ? `team ${orgId}/${teamId} created` : `team ${orgId}/${teamId} already exists`);
        }),
      ),
    );
  team
    .command("route <org-id> <team-id> <routes...>")
    .description(
      "route identifiers to the team: slack_channel:C…, github_repo:owner/name, pagerduty_service:P…, incidentio_alert_source:…",
    )
    .action((orgId: string, teamId: string, routes: string[]) =>
      runCommand(() =>
        withTenants(async (tenants) => {
          const ref = { orgId: slugArg(orgId, "org id"), teamId: slugArg(teamId, "team id") };
          if (!(await tenants.team(ref))) throw new UsageError(`no team ${orgId}/${teamId}`);
          await tenants.addRoutes(ref, routes.map(routeArg));
          console.log(`${routes.length} route(s) now lead to ${orgId}/${teamId}`);
        }),
      ),
    );
  team
    .command("show <org-id> <team-id>")
    .description(
      "the team's routes and effective configuration (org defaults with the team's own on top), as JSON",
    )
    .action((orgId: string, teamId: string) =>
      runCommand(() =>
        withTenants(async (tenants) => {
          const ref = { orgId: slugArg(orgId, "org id"), teamId: slugArg(teamId, "team id") };
          const found = await tenants.team(ref);
          if (!found) throw new UsageError(`no team ${orgId}/${teamId}`);
          const effective = await tenants.effectiveConfig(ref);
          console.log(
            JSON.stringify(
              { org_id: orgId, team_id: teamId, name: found.name, routes: found.routes, config: effective },
              null,
              2,
            ),
          );
        }),
      ),
    );
}
