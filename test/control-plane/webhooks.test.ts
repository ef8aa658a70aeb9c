import { WebClient } from "@slack/web-api";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ingestWebhook, type RunningControlPlane, Tenants } from "../../src/control-plane/index.ts";
import type { ToolService } from "../../src/gateway/index.ts";
import { createLogger } from "../../src/observability/index.ts";
import { startTestControlPlane } from "../helpers/control-plane.ts";
import { keepChartedShowsAhead, useTestDatabase } from "../helpers/db.ts";
import { type FakeSlack, startFakeSlack } from "../helpers/fake-slack.ts";
import { startTestToolService } from "../helpers/gateway.ts";
import {
  deliver,
  gitHubDeploymentFailure,
  gitHubHeaders,
  incidentIoAlert,
  incidentIoHeaders,
  pagerDutyHeaders,
  pagerDutyV3,
  WEBHOOK_SECRETS,
} from "../helpers/webhooks.ts";

const db = useTestDatabase();
const CHANNEL = "C0LIVEOPS1";

let service: ToolService;
let fake: FakeSlack;
let controlPlane: RunningControlPlane;
let url: string;

beforeAll(async () => {
  await keepChartedShowsAhead(db.sql);
  service = startTestToolService(db);
  fake = await startFakeSlack();
  controlPlane = await startTestControlPlane(db, service, {
    env: {
      GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRETS.github,
      PAGERDUTY_WEBHOOK_SECRET: WEBHOOK_SECRETS.pagerduty,
      INCIDENTIO_WEBHOOK_SECRET: WEBHOOK_SECRETS.incidentio,
    },
    slack: { app: null, client: new WebClient(fake.token, { slackApiUrl: fake.apiUrl }) },
  });
  url = controlPlane.url;
  const tenants = new Tenants(db.sql);
  await tenants.createOrg("artbattle", "Art Battle", { agent_role: "ops" });
  await tenants.ensureTeam({ orgId: "artbattle", teamId: "live-ops" }, "Live events");
  await tenants.setConfig({ orgId: "artbattle", teamId: "live-ops" }, { default_channel_id: CHANNEL });
  await tenants.addRoutes({ orgId: "artbattle", teamId: "live-ops" }, [
    { kind: "pagerduty_service", value: "PVOTEAPI" },
    { kind: "github_repo", value: "ArtBattle/Vote-App" },
    { kind: "incidentio_alert_source", value: "01HALERTSOURCE" },
  ]);
});

afterAll(async () => {
  await controlPlane?.close();
  await service?.close();
  await fake?.close();
});

beforeEach(() => fake.reset());

const runs = () => db.sql<
  { source: string; status: string; slack_thread_ts: string | null; delivery_id: string }[]
>`
  select source, status, slack_thread_ts, delivery_id from arthur_agent_runs order by created_at`;

describe("a PagerDuty V3 incident routed to its team", () => {
  it("is acknowledged at once, diagnosed with the team's tools in the team's channel, and run once however often it is redelivered", async () => {
    const body = JSON.stringify(
      pagerDutyV3({
        eventId: "01PDEVENT000001",
        incidentId: "PINC0001",
        serviceId: "PVOTEAPI",
        title: "Voting down at AB4023",
      }),
    );
    const started = performance.now();
    const first = await deliver(`${url}/webhooks/pagerduty`, body, pagerDutyHeaders(body));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(first).toEqual({
      status: 202,
      json: { ok: true, outcome: "queued", org_id: "artbattle", team_id: "live-ops" },
    });
    const again = await deliver(`${url}/webhooks/pagerduty`, body, pagerDutyHeaders(body));
    expect(again).toEqual({ status: 200, json: { ok: true, outcome: "duplicate" } });
    await fake.waitFor(() => fake.messages.filter((m) => m.channel === CHANNEL).length >= 2, 10_000);
    await controlPlane.idle();

    const [headline, diagnosis] = fake.messages.filter((m) => m.channel === CHANNEL);
    expect(headline?.text).toContain("Voting down at AB4023");
    expect(headline?.threadTs).toBeNull();
    expect(diagnosis?.threadTs).toBe(headline?.ts);
    // The live diagnostic ran for the event the alert named, as the team's agent.
    const [event] = await db.sql<{ name: string }[]>`select name from events where eid = 'AB4023'`;
    expect(diagnosis?.text).toContain("AB4023");
    expect(diagnosis?.text).toContain(event?.name);
    await service.audit.flush();
    const [call] = await db.sql`
      select tool_name, slack_user_id, user_role from esbmcp_tool_executions
      where slack_user_id = 'agent:artbattle/live-ops' order by created_at desc limit 1`;
    expect(call).toEqual({
      tool_name: "live_event_diagnostic",
      slack_user_id: "agent:artbattle/live-ops",
      user_role: "ops",
    });
    expect(await runs()).toEqual([
      {
        source: "pagerduty",
        status: "succeeded",
        slack_thread_ts: headline?.ts,
        delivery_id: "01PDEVENT000001",
      },
    ]);

    // The incident reopened: a new delivery about the same incident follows up in the same thread.
    fake.reset();
    const reopened = JSON.stringify(
      pagerDutyV3({
        eventId: "01PDEVENT000002",
        eventType: "incident.reopened",
        incidentId: "PINC0001",
        serviceId: "PVOTEAPI",
        title: "Voting down at AB4023",
      }),
    );
    expect((await deliver(`${url}/webhooks/pagerduty`, reopened, pagerDutyHeaders(reopened))).status).toBe(
      202,
    );
    await fake.waitFor(() => fake.messages.length >= 2, 10_000);
    await controlPlane.idle();
    expect(fake.messages.every((m) => m.threadTs === headline?.ts)).toBe(true);
  });
});

describe("other sources", () => {
  it("routes a failed GitHub deployment by repository (case-insensitive) and an incident.io alert by alert source", async () => {
    const github = JSON.stringify(
      gitHubDeploymentFailure({ repo: "artbattle/vote-app", description: "AB4001 bidding page 500s" }),
    );
    expect(
      await deliver(`${url}/webhooks/github`, github, gitHubHeaders(github, "deployment_status")),
    ).toMatchObject({
      status: 202,
      json: { outcome: "queued", team_id: "live-ops" },
    });
    const alert = JSON.stringify(
      incidentIoAlert({ alertSourceId: "01HALERTSOURCE", title: "AB4001 check-in queue stuck" }),
    );
    expect(await deliver(`${url}/webhooks/incidentio`, alert, incidentIoHeaders(alert))).toMatchObject({
      status: 202,
      json: { outcome: "queued" },
    });
    await fake.waitFor(() => fake.messages.filter((m) => m.threadTs !== null).length >= 2, 10_000);
    await controlPlane.idle();
    const sources = (await runs()).map((r) => r.source);
    expect(sources).toEqual(expect.arrayContaining(["github", "incidentio"]));
  });

  it("answers an identifier no team owns, and an event that starts nothing, without a run", async () => {
    const before = (await runs()).length;
    const stray = JSON.stringify(pagerDutyV3({ serviceId: "PNOBODY", title: "somebody else's" }));
    expect(await deliver(`${url}/webhooks/pagerduty`, stray, pagerDutyHeaders(stray))).toMatchObject({
      status: 200,
      json: { outcome: "unrouted" },
    });
    const resolved = JSON.stringify(
      pagerDutyV3({ eventType: "incident.resolved", serviceId: "PVOTEAPI", title: "ok" }),
    );
    expect(await deliver(`${url}/webhooks/pagerduty`, resolved, pagerDutyHeaders(resolved))).toMatchObject({
      status: 200,
      json: { outcome: "ignored" },
    });
    const ping = JSON.stringify({ zen: "Keep it logically awesome.", hook_id: 1 });
    expect(await deliver(`${url}/webhooks/github`, ping, gitHubHeaders(ping, "ping"))).toMatchObject({
      status: 200,
      json: { outcome: "ignored", reason: "ping" },
    });
    await controlPlane.idle();
    expect((await runs()).length).toBe(before);
  });
});

describe("webhook verification", () => {
  it("refuses a wrong, stale or missing signature with 401 and a reason, and never queues it", async () => {
    const body = JSON.stringify(pagerDutyV3({ serviceId: "PVOTEAPI", title: "AB4023" }));
    const wrong = await deliver(`${url}/webhooks/pagerduty`, body, pagerDutyHeaders(body, "not-the-secret"));
    expect(wrong).toEqual({
      status: 401,
      json: { error: { code: "signature_verification_failed", reason: "bad_signature" } },
    });
    const unsigned = await deliver(`${url}/webhooks/github`, body, {
      "x-github-event": "deployment_status",
      "x-github-delivery": "d1",
    });
    expect(unsigned.json).toEqual({
      error: { code: "signature_verification_failed", reason: "missing_signature_header" },
    });
    const alert = JSON.stringify(incidentIoAlert({ alertSourceId: "01HALERTSOURCE", title: "AB4001" }));
    const stale = await deliver(
      `${url}/webhooks/incidentio`,
      alert,
      incidentIoHeaders(alert, { timestampSec: Math.floor(Date.now() / 1000) - 600 }),
    );
    expect(stale).toEqual({
      status: 401,
      json: { error: { code: "signature_verification_failed", reason: "stale_timestamp" } },
    });
    const slack = await fetch(`${url}/webhooks/slack/events`, { method: "POST", body: "{}" });
    expect(slack.status).toBe(503);
    const [recorded] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from arthur_webhook_deliveries where source = 'pagerduty' and delivery_id = ${
        (JSON.parse(body) as { event: { id: string } }).event.id
      }`;
    expect(recorded?.n).toBe(0);
  });

  it("answers 503 when the run cannot be queued, and takes the provider's retry of that delivery", async () => {
    const body = JSON.stringify(
      pagerDutyV3({ eventId: "01PDQUEUEFAIL", serviceId: "PVOTEAPI", title: "AB4023" }),
    );
    const queued: string[] = [];
    let failing = true;
    const deps = {
      sql: db.sql,
      tenants: controlPlane.tenants,
      secrets: { github: undefined, pagerduty: WEBHOOK_SECRETS.pagerduty, incidentio: undefined },
      enqueue: async (job: { trigger: { deliveryId: string } }) => {
        if (failing) throw new Error("queue down");
        queued.push(job.trigger.deliveryId);
      },
      logger: createLogger("silent"),
    };
    const request = { headers: pagerDutyHeaders(body), rawBody: body };
    expect((await ingestWebhook(deps, "pagerduty", request)).status).toBe(503);
    failing = false;
    expect((await ingestWebhook(deps, "pagerduty", request)).status).toBe(202);
    expect((await ingestWebhook(deps, "pagerduty", request)).body).toEqual({
      ok: true,
      outcome: "duplicate",
    });
    expect(queued).toEqual(["01PDQUEUEFAIL"]);
  });

  it("fails closed when a source has no secret configured", async () => {
    const body = JSON.stringify(gitHubDeploymentFailure({ repo: "artbattle/vote-app", description: "x" }));
    const reply = await ingestWebhook(
      {
        sql: db.sql,
        tenants: controlPlane.tenants,
        secrets: { github: undefined, pagerduty: undefined, incidentio: undefined },
        enqueue: async () => {
          throw new Error("must not be queued");
        },
        logger: createLogger("silent"),
      },
      "github",
      { headers: gitHubHeaders(body, "deployment_status"), rawBody: body },
    );
    expect(reply).toEqual({
      status: 401,
      body: { error: { code: "signature_verification_failed", reason: "missing_secret" } },
    });
  });
});
