import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningControlPlane, Tenants } from "../../src/control-plane/index.ts";
import type { ToolService } from "../../src/gateway/index.ts";
import { startTestControlPlane } from "../helpers/control-plane.ts";
import { useTestDatabase } from "../helpers/db.ts";
import { startTestToolService } from "../helpers/gateway.ts";

const db = useTestDatabase();

let service: ToolService;
let controlPlane: RunningControlPlane;
let tenants: Tenants;
const tokens = { installation: "", orgAdmin: "", otherOrgAdmin: "", team: "", narrow: "" };

beforeAll(async () => {
  service = startTestToolService(db);
  controlPlane = await startTestControlPlane(db, service);
  tenants = new Tenants(db.sql);
  await tenants.createOrg("artbattle", "Art Battle", {
    agent_role: "ops",
    role_map: { U0ORGWIDE: "viewer" },
  });
  await tenants.createOrg("rival", "Rival");
  await tenants.ensureTeam({ orgId: "artbattle", teamId: "live-ops" }, "Live events");
  tokens.installation = (await tenants.issueToken({ kind: "admin", orgId: null, scopes: ["admin:*"] })).token;
  tokens.orgAdmin = (
    await tenants.issueToken({ kind: "admin", orgId: "artbattle", scopes: ["admin:*"] })
  ).token;
  tokens.otherOrgAdmin = (
    await tenants.issueToken({ kind: "admin", orgId: "rival", scopes: ["admin:*"] })
  ).token;
  tokens.narrow = (
    await tenants.issueToken({ kind: "admin", orgId: "artbattle", scopes: ["admin:provision:read"] })
  ).token;
  tokens.team = (
    await tenants.issueToken({ kind: "team", orgId: "artbattle", teamId: "live-ops", scopes: ["team:read"] })
  ).token;
});

afterAll(async () => {
  await controlPlane?.close();
  await service?.close();
});

async function call(method: string, path: string, token: string | null, body?: unknown) {
  const response = await fetch(`${controlPlane.url}${path}`, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  const json = response.headers.get("content-type")?.includes("json")
    ? (JSON.parse(text) as Record<string, unknown>)
    : { text };
  return { status: response.status, json };
}

let serial = 0;
const fresh = (prefix: string) => `${prefix}-${++serial}`;

interface Endpoint {
  name: string;
  method: string;
  /** Built per call, so each successful call has something of its own to act on. */
  request: () => Promise<{ path: string; body?: unknown }>;
  /** The status an admin of the org (or of the installation) gets. */
  ok: number;
  /** Only an installation admin may (an org's own admin gets 403). */
  installationOnly?: boolean;
}

const team = { path: "/api/v1/admin/orgs/artbattle/teams/live-ops" };
/** A fresh team token of live-ops, to rotate or revoke. */
const teamTokenId = async () =>
  (await tenants.issueToken({ kind: "team", orgId: "artbattle", teamId: "live-ops", scopes: ["team:read"] }))
    .id;
const ENDPOINTS: Endpoint[] = [
  {
    name: "create org",
    method: "POST",
    ok: 201,
    installationOnly: true,
    request: async () => ({ path: "/api/v1/admin/orgs", body: { id: fresh("org"), name: "New" } }),
  },
  {
    name: "read org",
    method: "GET",
    ok: 200,
    request: async () => ({ path: "/api/v1/admin/orgs/artbattle" }),
  },
  {
    name: "set org config",
    method: "PUT",
    ok: 200,
    request: async () => ({
      path: "/api/v1/admin/orgs/artbattle/config",
      body: { agent_role: "ops", role_map: { U0ORGWIDE: "viewer" } },
    }),
  },
  {
    name: "create team",
    method: "POST",
    ok: 201,
    request: async () => ({
      path: "/api/v1/admin/orgs/artbattle/teams",
      body: { id: fresh("team"), name: "T" },
    }),
  },
  { name: "read team", method: "GET", ok: 200, request: async () => team },
  {
    name: "set team config",
    method: "PUT",
    ok: 200,
    request: async () => ({
      path: `${team.path}/config`,
      body: { default_channel_id: "C0LIVEOPS1", role_map: { U0PRODUCER: "event-producer" } },
    }),
  },
  {
    name: "effective config",
    method: "GET",
    ok: 200,
    request: async () => ({ path: `${team.path}/effective-config` }),
  },
  {
    name: "add routes",
    method: "POST",
    ok: 200,
    request: async () => ({
      path: `${team.path}/routes`,
      body: { routes: [{ kind: "pagerduty_service", value: fresh("PSVC") }] },
    }),
  },
  {
    name: "remove routes",
    method: "DELETE",
    ok: 200,
    request: async () => ({
      path: `${team.path}/routes`,
      body: { routes: [{ kind: "pagerduty_service", value: "PNONE" }] },
    }),
  },
  {
    name: "issue token",
    method: "POST",
    ok: 201,
    request: async () => ({
      path: "/api/v1/admin/orgs/artbattle/tokens",
      body: { kind: "team", team_id: "live-ops", scopes: ["team:read"] },
    }),
  },
  {
    name: "list tokens",
    method: "GET",
    ok: 200,
    request: async () => ({ path: "/api/v1/admin/orgs/artbattle/tokens" }),
  },
  {
    name: "rotate token",
    method: "POST",
    ok: 201,
    request: async () => {
      return { path: `/api/v1/admin/tokens/${await teamTokenId()}/rotate`, body: {} };
    },
  },
  {
    name: "revoke token",
    method: "DELETE",
    ok: 200,
    request: async () => {
      return { path: `/api/v1/admin/tokens/${await teamTokenId()}` };
    },
  },
  {
    name: "provision",
    method: "POST",
    ok: 201,
    request: async () => ({
      path: "/api/v1/admin/provision/team",
      body: { org_id: "artbattle", team_id: fresh("prov") },
    }),
  },
  {
    name: "read provisioning run",
    method: "GET",
    ok: 200,
    request: async () => {
      const [run] = await db.sql<{ id: string }[]>`
        insert into arthur_provisioning_runs (org_id, team_id, request, status, requested_by)
        values ('artbattle', 'live-ops', '{}', 'succeeded', 'test') returning id`;
      return { path: `/api/v1/admin/provision/runs/${run?.id}` };
    },
  },
  {
    name: "deprovision",
    method: "DELETE",
    ok: 200,
    request: async () => {
      const teamId = fresh("leaving");
      await tenants.ensureTeam({ orgId: "artbattle", teamId }, "Leaving");
      return { path: `/api/v1/admin/provision/team/artbattle/${teamId}` };
    },
  },
  {
    name: "agent run",
    method: "POST",
    ok: 200,
    request: async () => ({
      path: "/api/v1/admin/agents/run",
      body: { org_id: "artbattle", team_id: "live-ops", message: "when does AB4001 start?" },
    }),
  },
  {
    name: "metrics",
    method: "GET",
    ok: 200,
    installationOnly: true,
    request: async () => ({ path: "/metrics" }),
  },
];

describe("the admin API's RBAC matrix", () => {
  for (const endpoint of ENDPOINTS) {
    it(`${endpoint.method} ${endpoint.name}: no token 401, team token 403, another org's admin 403, the org's admin ${endpoint.installationOnly ? "403" : endpoint.ok}, an installation admin ${endpoint.ok}`, async () => {
      const statuses: Record<string, number> = {};
      for (const [who, token] of [
        ["none", null],
        ["team", tokens.team],
        ["otherOrgAdmin", tokens.otherOrgAdmin],
        ["orgAdmin", tokens.orgAdmin],
        ["installation", tokens.installation],
      ] as const) {
        const { path, body } = await endpoint.request();
        statuses[who] = (await call(endpoint.method, path, token, body)).status;
      }
      expect(statuses).toEqual({
        none: 401,
        team: 403,
        otherOrgAdmin: 403,
        orgAdmin: endpoint.installationOnly ? 403 : endpoint.ok,
        installation: endpoint.ok,
      });
    });
  }

  it("a narrow token reads provisioning runs and nothing else", async () => {
    expect((await call("GET", "/api/v1/admin/orgs/artbattle", tokens.narrow)).status).toBe(403);
    const [run] = await db.sql<{ id: string }[]>`
      insert into arthur_provisioning_runs (org_id, team_id, request, status, requested_by)
      values ('artbattle', 'live-ops', '{}', 'succeeded', 'test') returning id`;
    expect((await call("GET", `/api/v1/admin/provision/runs/${run?.id}`, tokens.narrow)).status).toBe(200);
    const grant = await call("POST", "/api/v1/admin/orgs/artbattle/tokens", tokens.orgAdmin, {
      kind: "admin",
      scopes: ["admin:provision"],
    });
    expect(grant.status).toBe(201);
    // Nobody hands out more than they hold.
    const escalate = await call("POST", "/api/v1/admin/orgs/artbattle/tokens", grant.json.token as string, {
      kind: "admin",
      scopes: ["admin:*"],
    });
    expect(escalate.status).toBe(403);
  });
});

describe("tenants", () => {
  it("gives a team the org's defaults with its own settings on top", async () => {
    await call("PUT", "/api/v1/admin/orgs/artbattle/config", tokens.orgAdmin, {
      agent_role: "ops",
      domains: ["data-read", "payments"],
      role_map: { U0ORGWIDE: "viewer" },
    });
    await call("PUT", "/api/v1/admin/orgs/artbattle/teams/live-ops/config", tokens.orgAdmin, {
      default_channel_id: "C0LIVEOPS1",
      domains: ["data-read"],
      role_map: { U0PRODUCER: "event-producer" },
    });
    const effective = await call(
      "GET",
      "/api/v1/admin/orgs/artbattle/teams/live-ops/effective-config",
      tokens.orgAdmin,
    );
    expect(effective.status, JSON.stringify(effective.json)).toBe(200);
    expect(effective.json.config).toEqual({
      agent_role: "ops",
      default_channel_id: "C0LIVEOPS1",
      domains: ["data-read"],
      role_map: { U0ORGWIDE: "viewer", U0PRODUCER: "event-producer" },
    });
    // The team's own token sees the same, and only its own team.
    expect((await call("GET", "/api/v1/team/config", tokens.team)).json.config).toEqual(
      effective.json.config,
    );
    const bad = await call("PUT", "/api/v1/admin/orgs/artbattle/teams/live-ops/config", tokens.orgAdmin, {
      domains: ["astrology"],
      colour: "blue",
    });
    expect(bad.status).toBe(400);
    expect(String((bad.json.error as { message: string }).message)).toContain("domains.0");
  });

  it("lets one team own an identifier: a second claim is a 409 naming the owner, and routing follows changes at once", async () => {
    await tenants.ensureTeam({ orgId: "artbattle", teamId: "payments" }, "Payments");
    const route = { kind: "github_repo", value: "ArtBattle/Payouts" };
    const first = await call("POST", "/api/v1/admin/orgs/artbattle/teams/payments/routes", tokens.orgAdmin, {
      routes: [route],
    });
    expect(first.status).toBe(200);
    expect(await controlPlane.tenants.route({ kind: "github_repo", value: "artbattle/payouts" })).toEqual({
      orgId: "artbattle",
      teamId: "payments",
    });
    const second = await call("POST", "/api/v1/admin/orgs/artbattle/teams/live-ops/routes", tokens.orgAdmin, {
      routes: [{ kind: "slack_channel", value: "C0FRESH01" }, route],
    });
    expect(second.status).toBe(409);
    expect((second.json.error as { message: string }).message).toContain("artbattle/payments");
    // All or none: the other identifier in the refused request was not claimed either.
    expect(await controlPlane.tenants.route({ kind: "slack_channel", value: "C0FRESH01" })).toBeNull();
    await call("DELETE", "/api/v1/admin/orgs/artbattle/teams/payments/routes", tokens.orgAdmin, {
      routes: [route],
    });
    expect(await controlPlane.tenants.route({ kind: "github_repo", value: "artbattle/payouts" })).toBeNull();
  });

  it("rotates a token (the old one stops at once) and honours revocation and expiry", async () => {
    const issued = await call("POST", "/api/v1/admin/orgs/artbattle/tokens", tokens.orgAdmin, {
      kind: "team",
      team_id: "live-ops",
      scopes: ["team:read"],
      ttl_days: 1,
    });
    const old = issued.json.token as string;
    expect(old).toMatch(/^arthur_team_/);
    expect((await call("GET", "/api/v1/team/config", old)).status).toBe(200);
    const rotated = await call("POST", `/api/v1/admin/tokens/${issued.json.id}/rotate`, tokens.orgAdmin, {});
    expect((await call("GET", "/api/v1/team/config", old)).status).toBe(401);
    expect((await call("GET", "/api/v1/team/config", rotated.json.token as string)).status).toBe(200);
    const listed = (await call("GET", "/api/v1/admin/orgs/artbattle/tokens", tokens.orgAdmin)).json
      .tokens as {
      id: string;
      revokedAt: string | null;
    }[];
    expect(listed.find((t) => t.id === issued.json.id)?.revokedAt).toEqual(expect.any(String));
    expect(listed.find((t) => t.id === rotated.json.id)?.revokedAt).toBeNull();
    await db.sql`update arthur_cp_tokens set expires_at = now() - interval '1 second' where id = ${rotated.json.id as string}`;
    expect((await call("GET", "/api/v1/team/config", rotated.json.token as string)).status).toBe(401);
    // Only hashes are stored.
    const [stored] =
      await db.sql`select token_hash from arthur_cp_tokens where id = ${rotated.json.id as string}`;
    expect(stored?.token_hash).not.toContain(rotated.json.token as string);
  });

  it("runs an agent as the team, with the team's agent role", async () => {
    const reply = await call("POST", "/api/v1/admin/agents/run", tokens.orgAdmin, {
      org_id: "artbattle",
      team_id: "live-ops",
      message: "when does AB4001 start?",
    });
    expect(reply.status).toBe(200);
    const answer = reply.json.answer as { text: string; tools: { tool: string }[] };
    expect(answer.tools.map((t) => t.tool)).toContain("lookup_event");
    expect(answer.text).toContain("AB4001");
    const unknownTeam = await call("POST", "/api/v1/admin/agents/run", tokens.orgAdmin, {
      org_id: "artbattle",
      team_id: "nobody",
      message: "hi",
    });
    expect(unknownTeam.status).toBe(404);
  });

  it("keeps a team's agent runs to the tool domains the team has switched on", async () => {
    await tenants.ensureTeam({ orgId: "artbattle", teamId: "payouts" }, "Payouts");
    await tenants.setConfig({ orgId: "artbattle", teamId: "payouts" }, { domains: ["payments"] });
    const ask = (message: string) =>
      call("POST", "/api/v1/admin/agents/run", tokens.orgAdmin, {
        org_id: "artbattle",
        team_id: "payouts",
        message,
      });
    const outside = (await ask("when does AB4001 start?")).json.answer as {
      text: string;
      tools: { tool: string; ok: boolean; error: { code: string } | null }[];
    };
    expect(outside.tools).toEqual([
      expect.objectContaining({
        tool: "lookup_event",
        ok: false,
        error: expect.objectContaining({ code: "FORBIDDEN" }),
      }),
    ]);
    expect(outside.text).toContain("not enabled for team artbattle/payouts");
    await service.audit.flush();
    const ran = await db.sql`
      select 1 from esbmcp_tool_executions where slack_user_id = 'agent:artbattle/payouts' and tool_name = 'lookup_event'`;
    expect(ran).toHaveLength(0);
    const inside = (await ask("who is still owed money for AB4001?")).json.answer as {
      tools: { tool: string; ok: boolean }[];
    };
    expect(inside.tools.map((t) => [t.tool, t.ok])).toContainEqual(["get_artists_owed", true]);
  });

  it("answers bad requests with 400 and a precise message", async () => {
    const noJson = await fetch(`${controlPlane.url}/api/v1/admin/orgs/artbattle/teams`, {
      method: "POST",
      headers: { authorization: `Bearer ${tokens.orgAdmin}` },
      body: "{not json",
    });
    expect(noJson.status).toBe(400);
    const badId = await call("POST", "/api/v1/admin/orgs/artbattle/teams", tokens.orgAdmin, {
      id: "Live Ops!",
      name: "x",
    });
    expect(badId.status).toBe(400);
    expect((badId.json.error as { message: string }).message).toContain("id: must be a slug");
    expect((await call("GET", "/api/v1/admin/provision/runs/not-a-uuid", tokens.orgAdmin)).status).toBe(404);
  });
});
