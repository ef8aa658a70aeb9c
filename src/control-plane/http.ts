import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { z } from "zod";
import { answerJson } from "../channels/index.ts";
import { isDatabaseUnavailable } from "../db/index.ts";
import type { Logger } from "../observability/index.ts";
import { ADMIN_SCOPES, decideAccess, type Need, type Principal, TEAM_SCOPES } from "./access.ts";
import { slug, tenantConfigSchema } from "./config.ts";
import { ControlPlaneError } from "./errors.ts";
import type { Provisioner, ProvisionRequest } from "./provision.ts";
import { type AgentRunDeps, runAsTeam } from "./runs.ts";
import { ROUTING_KINDS, type Tenants } from "./tenants.ts";
import { type AlertSource, ingestWebhook, type WebhookDeps } from "./webhooks.ts";

/** Webhook payloads (a GitHub workflow run with its commits) run to tens of kilobytes; a megabyte is ample. */
const MAX_BODY_BYTES = 1024 * 1024;

export interface ControlPlaneDeps {
  tenants: Tenants;
  webhooks: WebhookDeps;
  provisioner: Provisioner;
  agents: Pick<AgentRunDeps, "tenants" | "assistant" | "registry">;
  /** Slack's events and interactivity (the Slack app's receiver), when Slack is configured. */
  slack: Hono | null;
  metrics: { contentType: string; render: () => Promise<string> };
  checkDatabase: () => Promise<boolean>;
  logger: Logger;
}

const routeSchema = z.object({
  kind: z.enum(ROUTING_KINDS as [string, ...string[]]),
  value: z.string().trim().min(1).max(200),
});
const newOrg = z
  .object({ id: slug, name: z.string().trim().min(1).max(200), config: tenantConfigSchema.optional() })
  .strict();
const newTeam = z
  .object({ id: slug, name: z.string().trim().min(1).max(200), config: tenantConfigSchema.optional() })
  .strict();
const routesBody = z.object({ routes: z.array(routeSchema).min(1).max(100) }).strict();
const newToken = z
  .object({
    kind: z.enum(["admin", "team"]),
    team_id: slug.optional(),
    scopes: z.array(z.enum([...ADMIN_SCOPES, ...TEAM_SCOPES])).min(1),
    label: z.string().max(200).optional(),
    ttl_days: z.number().int().min(1).max(3650).optional(),
  })
  .strict();
const rotateBody = z.object({ ttl_days: z.number().int().min(1).max(3650).optional() }).strict();
const agentRun = z
  .object({
    org_id: slug,
    team_id: slug,
    message: z.string().trim().min(1).max(20_000),
    channel_id: z
      .string()
      .regex(/^[CGD][A-Z0-9]{2,}$/)
      .optional(),
  })
  .strict();

const DAY_MS = 24 * 3600_000;

function fail(c: Context, error: ControlPlaneError): Response {
  return c.json(
    {
      error: {
        code: error.code,
        message: error.message,
        ...(error.details ? { details: error.details } : {}),
      },
    },
    error.status,
  );
}

/** The JSON body checked against `schema`; a bad one is a 400 naming each problem. */
async function bodyOf<T extends z.ZodType>(c: Context, schema: T): Promise<z.output<T>> {
  let raw: unknown;
  try {
    raw = JSON.parse((await c.req.text()) || "{}");
  } catch {
    throw new ControlPlaneError("invalid_request", "The body must be JSON");
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`);
    throw new ControlPlaneError("invalid_request", problems.join("; "), { problems });
  }
  return parsed.data;
}

const lowerCaseHeaders = (c: Context): Record<string, string> => {
  const headers: Record<string, string> = {};
  c.req.raw.headers.forEach((value, key) => {
    headers[key.toLowerCase()] = value;
  });
  return headers;
};

/**
 * The control plane's HTTP surface: signed webhook ingress, the admin API (every call with a
 * token, every decision by `decideAccess`), the team API, /health and /metrics.
 */
export function createControlPlaneApp(
  deps: ControlPlaneDeps,
): Hono<{ Variables: { principal: Principal | null } }> {
  const app = new Hono<{ Variables: { principal: Principal | null } }>();
  const { tenants } = deps;

  app.use(
    "*",
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) =>
        fail(c, new ControlPlaneError("invalid_request", `Bodies are limited to ${MAX_BODY_BYTES} bytes`)),
    }),
  );

  app.get("/health", async (c) => {
    const database = await deps.checkDatabase().catch(() => false);
    return c.json({ status: database ? "ok" : "unavailable", checks: { database } }, database ? 200 : 503);
  });

  // Webhooks authenticate by signature, each by its source's scheme.
  for (const source of ["github", "pagerduty", "incidentio"] as const satisfies readonly AlertSource[]) {
    app.post(`/webhooks/${source}`, async (c) => {
      const reply = await ingestWebhook(deps.webhooks, source, {
        headers: lowerCaseHeaders(c),
        rawBody: await c.req.text(),
      });
      return c.json(reply.body, reply.status);
    });
  }
  const slackUnavailable = (c: Context) =>
    fail(
      c,
      new ControlPlaneError(
        "unavailable",
        "Slack is not configured here (SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET)",
      ),
    );
  for (const path of ["/webhooks/slack/events", "/webhooks/slack/interactions"]) {
    app.post(path, (c) => {
      if (!deps.slack) return slackUnavailable(c);
      // Events, commands and buttons share one verified handler (the Slack app's receiver).
      return deps.slack.fetch(new Request(new URL("/events", c.req.url), c.req.raw));
    });
  }

  // Everything below authenticates with a bearer token.
  app.use("*", async (c, next) => {
    const match = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "");
    c.set("principal", match?.[1] ? await tenants.principal(match[1]) : null);
    await next();
  });
  const allow = (c: Context<{ Variables: { principal: Principal | null } }>, need: Need) => {
    const access = decideAccess(c.get("principal"), need);
    if (!access.ok) {
      const code = access.status === 401 ? "unauthenticated" : "forbidden";
      throw new ControlPlaneError(code, access.message, { reason: access.code });
    }
  };

  app.get("/metrics", async (c) => {
    // Metrics describe every tenant, so only an installation admin reads them.
    allow(c, { scope: "admin:provision:read" });
    c.header("Content-Type", deps.metrics.contentType);
    return c.body(await deps.metrics.render());
  });

  // Orgs and teams.
  app.post("/api/v1/admin/orgs", async (c) => {
    allow(c, { scope: "admin:org" });
    const body = await bodyOf(c, newOrg);
    await tenants.createOrg(body.id, body.name, body.config ?? {});
    return c.json({ org_id: body.id }, 201);
  });
  app.get("/api/v1/admin/orgs/:org", async (c) => {
    const orgId = c.req.param("org");
    allow(c, { scope: "admin:org", orgId });
    if (!(await tenants.orgExists(orgId))) throw new ControlPlaneError("not_found", `No org ${orgId}`);
    return c.json({ org_id: orgId, teams: await tenants.teams(orgId) });
  });
  app.put("/api/v1/admin/orgs/:org/config", async (c) => {
    const orgId = c.req.param("org");
    allow(c, { scope: "admin:org", orgId });
    const config = await tenants.setConfig({ orgId }, await bodyOf(c, z.unknown()));
    return c.json({ org_id: orgId, config });
  });
  app.post("/api/v1/admin/orgs/:org/teams", async (c) => {
    const orgId = c.req.param("org");
    allow(c, { scope: "admin:org", orgId });
    const body = await bodyOf(c, newTeam);
    if (!(await tenants.ensureTeam({ orgId, teamId: body.id }, body.name))) {
      throw new ControlPlaneError("conflict", `Team ${orgId}/${body.id} already exists`);
    }
    if (body.config) await tenants.setConfig({ orgId, teamId: body.id }, body.config);
    return c.json({ org_id: orgId, team_id: body.id }, 201);
  });
  const teamOf = (c: Context) => ({ orgId: c.req.param("org") ?? "", teamId: c.req.param("team") ?? "" });
  app.get("/api/v1/admin/orgs/:org/teams/:team", async (c) => {
    const ref = teamOf(c);
    allow(c, { scope: "admin:org", orgId: ref.orgId });
    const team = await tenants.team(ref);
    if (!team) throw new ControlPlaneError("not_found", `No team ${ref.orgId}/${ref.teamId}`);
    return c.json({
      org_id: team.orgId,
      team_id: team.teamId,
      name: team.name,
      config: team.config,
      routes: team.routes,
    });
  });
  app.put("/api/v1/admin/orgs/:org/teams/:team/config", async (c) => {
    const ref = teamOf(c);
    allow(c, { scope: "admin:org", orgId: ref.orgId });
    const config = await tenants.setConfig(ref, await bodyOf(c, z.unknown()));
    return c.json({ org_id: ref.orgId, team_id: ref.teamId, config });
  });
  app.get("/api/v1/admin/orgs/:org/teams/:team/effective-config", async (c) => {
    const ref = teamOf(c);
    allow(c, { scope: "admin:org", orgId: ref.orgId });
    return c.json({ org_id: ref.orgId, team_id: ref.teamId, config: await tenants.effectiveConfig(ref) });
  });
  app.post("/api/v1/admin/orgs/:org/teams/:team/routes", async (c) => {
    const ref = teamOf(c);
    allow(c, { scope: "admin:org", orgId: ref.orgId });
    const body = await bodyOf(c, routesBody);
    if (!(await tenants.team(ref)))
      throw new ControlPlaneError("not_found", `No team ${ref.orgId}/${ref.teamId}`);
    await tenants.addRoutes(ref, body.routes as { kind: (typeof ROUTING_KINDS)[number]; value: string }[]);
    return c.json({
      org_id: ref.orgId,
      team_id: ref.teamId,
      routes: (await tenants.team(ref))?.routes ?? [],
    });
  });
  app.delete("/api/v1/admin/orgs/:org/teams/:team/routes", async (c) => {
    const ref = teamOf(c);
    allow(c, { scope: "admin:org", orgId: ref.orgId });
    const body = await bodyOf(c, routesBody);
    const removed = await tenants.removeRoutes(
      ref,
      body.routes as { kind: (typeof ROUTING_KINDS)[number]; value: string }[],
    );
    return c.json({ removed });
  });

  // Tokens.
  app.post("/api/v1/admin/orgs/:org/tokens", async (c) => {
    const orgId = c.req.param("org");
    allow(c, { scope: "admin:tokens", orgId });
    const body = await bodyOf(c, newToken);
    const scopesFit = body.scopes.every((s) =>
      body.kind === "admin" ? s.startsWith("admin:") : s.startsWith("team:"),
    );
    if (!scopesFit)
      throw new ControlPlaneError("invalid_request", `A ${body.kind} token takes only ${body.kind}: scopes`);
    if (body.kind === "team" && !body.team_id)
      throw new ControlPlaneError("invalid_request", "A team token needs team_id");
    if (body.kind === "admin" && body.team_id)
      throw new ControlPlaneError("invalid_request", "An admin token belongs to the org, not a team");
    if (body.kind === "team" && !(await tenants.team({ orgId, teamId: body.team_id ?? "" }))) {
      throw new ControlPlaneError("not_found", `No team ${orgId}/${body.team_id}`);
    }
    // Nobody hands out more than they hold.
    const principal = c.get("principal");
    if (body.kind === "admin" && principal && !principal.scopes.includes("admin:*")) {
      const beyond = body.scopes.filter((s) => !principal.scopes.includes(s));
      if (beyond.length)
        throw new ControlPlaneError("forbidden", `This token cannot grant ${beyond.join(", ")}`);
    }
    if (!(await tenants.orgExists(orgId))) throw new ControlPlaneError("not_found", `No org ${orgId}`);
    const issued = await tenants.issueToken({
      kind: body.kind,
      orgId,
      teamId: body.team_id ?? null,
      scopes: body.scopes,
      label: body.label ?? "",
      ttlMs: body.ttl_days ? body.ttl_days * DAY_MS : null,
    });
    return c.json({ id: issued.id, token: issued.token, expires_at: issued.expiresAt }, 201);
  });
  app.get("/api/v1/admin/orgs/:org/tokens", async (c) => {
    const orgId = c.req.param("org");
    allow(c, { scope: "admin:tokens", orgId });
    return c.json({ tokens: await tenants.listTokens(orgId) });
  });
  const tokenOrg = async (c: Context) => {
    const token = await tenants.tokenRow(c.req.param("id") ?? "");
    if (!token) throw new ControlPlaneError("not_found", `No token ${c.req.param("id")}`);
    return token;
  };
  app.post("/api/v1/admin/tokens/:id/rotate", async (c) => {
    const token = await tokenOrg(c);
    allow(c, token.orgId ? { scope: "admin:tokens", orgId: token.orgId } : { scope: "admin:tokens" });
    const body = await bodyOf(c, rotateBody);
    const issued = await tenants.rotateToken(token.id, body.ttl_days ? body.ttl_days * DAY_MS : null);
    return c.json(
      { id: issued.id, token: issued.token, expires_at: issued.expiresAt, replaces: token.id },
      201,
    );
  });
  app.delete("/api/v1/admin/tokens/:id", async (c) => {
    const token = await tokenOrg(c);
    allow(c, token.orgId ? { scope: "admin:tokens", orgId: token.orgId } : { scope: "admin:tokens" });
    return c.json({ revoked: await tenants.revokeToken(token.id) });
  });

  // Provisioning.
  app.post("/api/v1/admin/provision/team", async (c) => {
    const request = await bodyOf(c, deps.provisioner.requestSchema);
    allow(c, { scope: "admin:provision", orgId: request.org_id });
    const principal = c.get("principal");
    const run = await deps.provisioner.provision(request as ProvisionRequest, principal?.tokenId ?? "");
    c.header("X-Arthur-Provisioning-Run-Id", run.id);
    return c.json(run, run.status === "failed" ? (run.failure_status ?? 500) : run.reused ? 200 : 201);
  });
  app.get("/api/v1/admin/provision/runs/:id", async (c) => {
    const run = await deps.provisioner.run(c.req.param("id"));
    if (!run) throw new ControlPlaneError("not_found", `No provisioning run ${c.req.param("id")}`);
    allow(c, { scope: "admin:provision:read", orgId: run.org_id });
    return c.json(run);
  });
  app.delete("/api/v1/admin/provision/team/:org/:team", async (c) => {
    const ref = teamOf(c);
    allow(c, { scope: "admin:provision", orgId: ref.orgId });
    return c.json(await deps.provisioner.deprovision(ref));
  });

  // Agent runs as a team, for server-to-server callers.
  app.post("/api/v1/admin/agents/run", async (c) => {
    const body = await bodyOf(c, agentRun);
    allow(c, { scope: "admin:agent:run", orgId: body.org_id });
    const team = { orgId: body.org_id, teamId: body.team_id };
    const answer = await runAsTeam(deps.agents, {
      team,
      message: body.message,
      channelId: body.channel_id ?? null,
    });
    return c.json({ org_id: team.orgId, team_id: team.teamId, answer: answerJson(answer) });
  });

  // The team's own view.
  app.get("/api/v1/team/config", async (c) => {
    const principal = c.get("principal");
    allow(c, { scope: "team:read", orgId: principal?.orgId ?? "", teamId: principal?.teamId ?? "" });
    const ref = { orgId: principal?.orgId ?? "", teamId: principal?.teamId ?? "" };
    return c.json({ org_id: ref.orgId, team_id: ref.teamId, config: await tenants.effectiveConfig(ref) });
  });

  app.notFound((c) =>
    fail(c, new ControlPlaneError("not_found", `No route for ${c.req.method} ${c.req.path}`)),
  );
  app.onError((error, c) => {
    if (error instanceof ControlPlaneError) return fail(c, error);
    if (isDatabaseUnavailable(error)) {
      return fail(
        c,
        new ControlPlaneError("unavailable", "The database cannot be reached right now; try again shortly"),
      );
    }
    deps.logger.error({ err: error.message, stack: error.stack, path: c.req.path }, "control plane error");
    return c.json(
      {
        error: { code: "internal", message: "Something went wrong; the control plane's log has the details" },
      },
      500,
    );
  });
  return app;
}
