import { describe, expect, it } from "vitest";
import {
  type AlertTrigger,
  extractEventIds,
  type Parsed,
  parseGitHub,
  parseIncidentIo,
  parsePagerDuty,
} from "./alerts.ts";

// Sample payloads follow the shapes in PagerDuty's V3 webhook docs, incident.io's webhook reference and
// GitHub's webhook schemas, trimmed to the fields a reader would recognise, with Art Battle content.

function pagerDutyV3(eventType: string, overrides: Record<string, unknown> = {}) {
  return {
    event: {
      id: "01DEN5CUQ1RIC2NTHDMJXL3G9D",
      event_type: eventType,
      resource_type: "incident",
      occurred_at: "2026-03-14T19:31:02.354Z",
      agent: {
        html_url: "https://artbattle.pagerduty.com/users/PLH1HKV",
        id: "PLH1HKV",
        self: "https://api.pagerduty.com/users/PLH1HKV",
        summary: "Tenex Engineer",
        type: "user_reference",
      },
      client: { name: "PagerDuty" },
      data: {
        id: "PGR0VU2",
        type: "incident",
        self: "https://api.pagerduty.com/incidents/PGR0VU2",
        html_url: "https://artbattle.pagerduty.com/incidents/PGR0VU2",
        number: 2,
        status: "triggered",
        incident_key: "d3640fbd41094207a1c11e58e46b1662",
        created_at: "2026-03-14T19:31:00Z",
        title: "Voting API 5xx above 5% during AB4023",
        service: {
          html_url: "https://artbattle.pagerduty.com/services/PF9KMXH",
          id: "PF9KMXH",
          self: "https://api.pagerduty.com/services/PF9KMXH",
          summary: "Voting API",
          type: "service_reference",
        },
        assignees: [
          {
            html_url: "https://artbattle.pagerduty.com/users/PTUXL6G",
            id: "PTUXL6G",
            self: "https://api.pagerduty.com/users/PTUXL6G",
            summary: "On-call Engineer",
            type: "user_reference",
          },
        ],
        escalation_policy: {
          html_url: "https://artbattle.pagerduty.com/escalation_policies/PUS0KTE",
          id: "PUS0KTE",
          self: "https://api.pagerduty.com/escalation_policies/PUS0KTE",
          summary: "Platform on-call",
          type: "escalation_policy_reference",
        },
        teams: [],
        priority: {
          html_url: "https://artbattle.pagerduty.com/account/incident_priorities",
          id: "PSO75BM",
          self: "https://api.pagerduty.com/priorities/PSO75BM",
          summary: "P1",
          type: "priority_reference",
        },
        urgency: "high",
        conference_bridge: null,
        resolve_reason: null,
        ...overrides,
      },
    },
  };
}

function incidentIoAlert(overrides: Record<string, unknown> = {}) {
  return {
    event_type: "public_alert.alert_created_v1",
    "public_alert.alert_created_v1": {
      alert_source_id: "01GW2G3V0S59R238FAHPDS1R66",
      attributes: [
        {
          attribute: {
            array: false,
            id: "01GW2G3V0S59R238FAHPDS1R67",
            name: "service",
            required: false,
            type: 'CatalogEntry["01GW2G3V0S59R238FAHPDS1R68"]',
          },
          value: {
            catalog_entry: { catalog_type_id: "01FCNDV6P870EA6S7TK1DSYDG0", id: "01FCN", name: "Ticketing" },
            label: "Ticketing",
          },
        },
      ],
      created_at: "2026-03-14T18:02:11.801578Z",
      deduplication_key: "ticketing-checkout-latency",
      description: "Checkout p95 over 4s for 10 minutes.\nAffects ab4001 and AB4023 ticket sales.",
      id: "01HQ3Z8J7X9KQ4C2B1V0N5M6TR",
      source_url: "https://grafana.example.com/alerting/grafana/ticketing-latency/view",
      status: "firing",
      title: "Ticketing checkout latency high",
      updated_at: "2026-03-14T18:02:11.801578Z",
      ...overrides,
    },
  };
}

function incidentIoIncidentCreated() {
  return {
    event_type: "public_incident.incident_created_v2",
    "public_incident.incident_created_v2": {
      incident: {
        id: "01FDAG4SAP5TYPT98WGR2N7W91",
        name: "Our database is sad",
        reference: "INC-123",
        incident_status: { id: "01FCNDV6P870EA6S7TK1DSYD5H", name: "Triage" },
        permalink: "https://app.incident.io/incidents/123",
        created_at: "2026-03-14T13:28:57.801578Z",
      },
    },
  };
}

const repository = {
  id: 186853002,
  name: "Voting-App",
  full_name: "ArtBattle/Voting-App",
  html_url: "https://github.com/ArtBattle/Voting-App",
  private: true,
};

function deploymentStatus(state: string, overrides: Record<string, unknown> = {}) {
  return {
    action: "created",
    deployment_status: {
      url: "https://api.github.com/repos/ArtBattle/Voting-App/deployments/145988746/statuses/209916254",
      id: 209916254,
      state,
      creator: { login: "deploy-bot", type: "Bot" },
      description: "Migration 0042 failed for AB4023 seating plan",
      environment: "production",
      target_url: "https://ci.example.com/deploys/912",
      log_url: "https://ci.example.com/deploys/912/logs",
      created_at: "2026-03-14T20:05:12Z",
      updated_at: "2026-03-14T20:05:12Z",
      deployment_url: "https://api.github.com/repos/ArtBattle/Voting-App/deployments/145988746",
      ...overrides,
    },
    deployment: {
      id: 145988746,
      sha: "f95f852bd8fca8fcc58a9a2d6c842781e32a215e",
      ref: "main",
      task: "deploy",
      environment: "production",
      description: null,
      created_at: "2026-03-14T20:01:00Z",
    },
    repository,
    sender: { login: "deploy-bot", type: "Bot" },
  };
}

function workflowRun(action: string, conclusion: string | null, overrides: Record<string, unknown> = {}) {
  return {
    action,
    workflow_run: {
      id: 30433642,
      name: "CI",
      display_title: "Fix AB4120 auction close rounding",
      head_branch: "main",
      head_sha: "acb5820ced9479c074f688cc328bf03f341a511d",
      run_number: 562,
      run_attempt: 1,
      event: "push",
      status: action === "completed" ? "completed" : "in_progress",
      conclusion,
      html_url: "https://github.com/ArtBattle/Voting-App/actions/runs/30433642",
      run_started_at: "2026-03-14T21:00:03Z",
      updated_at: "2026-03-14T21:04:41Z",
      head_commit: { message: "Fix AB4120 auction close rounding\n\nLonger body here" },
      ...overrides,
    },
    workflow: { id: 159038, name: "CI", path: ".github/workflows/ci.yml" },
    repository,
    sender: { login: "octocat", type: "User" },
  };
}

function expectAlert(result: Parsed): AlertTrigger {
  if (result.kind !== "alert") throw new Error(`expected an alert, got ignored: ${result.reason}`);
  return result.trigger;
}

function expectIgnored(result: Parsed) {
  if (result.kind !== "ignored") throw new Error(`expected ignored, got alert ${result.trigger.title}`);
  return result;
}

describe("extractEventIds", () => {
  it.each([
    ["AB4023 down", ["AB4023"]],
    ["ab4001 and Ab4002", ["AB4001", "AB4002"]],
    ["AB4023, again AB4023 and ab4023", ["AB4023"]],
    ["AB123 through AB12345", ["AB123", "AB12345"]],
    ["see https://artbattle.com/events/AB4023/vote", ["AB4023"]],
    ["(AB4023), eid=AB4001; eid_AB4120.", ["AB4023", "AB4001", "AB4120"]],
  ])("finds the eids in %j", (text, eids) => {
    expect(extractEventIds(text)).toEqual(eids);
  });

  it.each([
    "XAB40231 is a part number",
    "AB40231X",
    "AB12 is too short",
    "AB123456 has too many digits",
    "CAB4023",
    "no events here",
  ])("finds nothing in %j", (text) => {
    expect(extractEventIds(text)).toEqual([]);
  });

  it("keeps first-seen order", () => {
    expect(extractEventIds("AB4120 then AB4001 then AB4120 then AB3999")).toEqual([
      "AB4120",
      "AB4001",
      "AB3999",
    ]);
  });
});

describe("parsePagerDuty", () => {
  it("starts a run for a V3 incident.triggered, routed by service id", () => {
    const trigger = expectAlert(parsePagerDuty(pagerDutyV3("incident.triggered")));
    expect(trigger).toMatchObject({
      source: "pagerduty",
      deliveryId: "01DEN5CUQ1RIC2NTHDMJXL3G9D",
      routing: { kind: "pagerduty_service", value: "PF9KMXH" },
      title: "Voting API 5xx above 5% during AB4023",
      link: "https://artbattle.pagerduty.com/incidents/PGR0VU2",
      eventIds: ["AB4023"],
      occurredAt: "2026-03-14T19:31:02.354Z",
      threadKey: "pagerduty:incident:PGR0VU2",
    });
    expect(trigger.summary).toContain("Voting API");
    expect(trigger.summary).toContain("PF9KMXH");
    expect(trigger.summary).toContain("https://artbattle.pagerduty.com/incidents/PGR0VU2");
    expect(trigger.summary).toContain("triggered");
    expect(trigger.summary).toContain("urgency high");
    expect(trigger.summary).toContain("priority P1");
  });

  it("starts a run for incident.reopened, in the same thread as the original incident", () => {
    const trigger = expectAlert(parsePagerDuty(pagerDutyV3("incident.reopened")));
    expect(trigger.summary).toContain("reopened");
    expect(trigger.threadKey).toBe("pagerduty:incident:PGR0VU2");
  });

  it.each(["incident.acknowledged", "incident.resolved", "incident.escalated", "incident.priority_updated"])(
    "ignores %s but keeps delivery id and routing for later threading",
    (eventType) => {
      const result = expectIgnored(parsePagerDuty(pagerDutyV3(eventType, { status: "acknowledged" })));
      expect(result.reason).toBe(`event_type ${eventType} does not start a run`);
      expect(result.deliveryId).toBe("01DEN5CUQ1RIC2NTHDMJXL3G9D");
      expect(result.routing).toEqual({ kind: "pagerduty_service", value: "PF9KMXH" });
    },
  );

  it("ignores incident.annotated, whose data is a note with no service", () => {
    const body = {
      event: {
        id: "01DVUHO7D6YSXKFZSTL9RSEGEK",
        event_type: "incident.annotated",
        resource_type: "incident",
        occurred_at: "2026-03-14T19:40:00Z",
        data: {
          incident: { id: "PGR0VU2", type: "incident_reference" },
          id: "P2O5QJX",
          content: "Rolled back voting-api",
          type: "incident_note",
        },
      },
    };
    const result = expectIgnored(parsePagerDuty(body));
    expect(result.reason).toBe("event_type incident.annotated does not start a run");
    expect(result.deliveryId).toBe("01DVUHO7D6YSXKFZSTL9RSEGEK");
    expect(result.routing).toBeNull();
  });

  it("says so explicitly when it receives the legacy V2 messages[] envelope", () => {
    const v2 = {
      messages: [
        {
          id: "bb8b8fe0-e8d5-11e2-9c1e-22000afd16cf",
          event: "incident.trigger",
          created_on: "2026-03-14T19:31:00Z",
          incident: {
            id: "PIJ90N7",
            incident_number: 1,
            service: { id: "PF9KMXH", name: "Voting API" },
            trigger_summary_data: { subject: "AB4023 down" },
          },
        },
      ],
    };
    const result = expectIgnored(parsePagerDuty(v2));
    expect(result.reason).toBe("PagerDuty V2 webhooks are not supported; subscribe with V3");
  });

  it("ignores a delivery without event.id, still naming the service", () => {
    const body = pagerDutyV3("incident.triggered");
    const { id: _, ...eventWithoutId } = body.event;
    const result = expectIgnored(parsePagerDuty({ event: eventWithoutId }));
    expect(result.reason).toMatch(/event\.id/);
    expect(result.deliveryId).toBeNull();
    expect(result.routing).toEqual({ kind: "pagerduty_service", value: "PF9KMXH" });
  });

  it("ignores a triggered incident with no service to route by", () => {
    const result = expectIgnored(parsePagerDuty(pagerDutyV3("incident.triggered", { service: null })));
    expect(result.reason).toMatch(/service/);
    expect(result.deliveryId).toBe("01DEN5CUQ1RIC2NTHDMJXL3G9D");
  });

  it("trims the service id and survives odd cosmetic fields", () => {
    const body = pagerDutyV3("incident.triggered", {
      service: { id: "  PF9KMXH \n", summary: 42 },
      title: ["not", "a", "string"],
      html_url: "javascript:alert(1)",
      number: "two",
      priority: null,
    });
    const trigger = expectAlert(parsePagerDuty(body));
    expect(trigger.routing.value).toBe("PF9KMXH");
    expect(trigger.title).toBe("PagerDuty incident PGR0VU2 on PF9KMXH");
    expect(trigger.link).toBeNull();
    expect(trigger.summary).not.toContain("javascript:");
  });

  it("truncates a long multi-line title to one line of at most 200 characters", () => {
    const long = `AB4023 voting outage\n${"x".repeat(400)}`;
    const trigger = expectAlert(parsePagerDuty(pagerDutyV3("incident.triggered", { title: long })));
    expect(trigger.title.length).toBeLessThanOrEqual(200);
    expect(trigger.title).not.toContain("\n");
    expect(trigger.title.startsWith("AB4023 voting outage x")).toBe(true);
    expect(trigger.title.endsWith("…")).toBe(true);
    expect(trigger.eventIds).toEqual(["AB4023"]);
  });

  it("falls back to created_at when occurred_at is missing or not a date", () => {
    const body = pagerDutyV3("incident.triggered");
    const trigger = expectAlert(parsePagerDuty({ event: { ...body.event, occurred_at: "yesterday" } }));
    expect(trigger.occurredAt).toBe("2026-03-14T19:31:00.000Z");
  });
});

describe("parseIncidentIo", () => {
  const headers = { webhookId: "msg_2k9VxN3vQf0W1yZ8" };

  it("starts a run for public_alert.alert_created_v1, routed by alert_source_id", () => {
    const trigger = expectAlert(parseIncidentIo(incidentIoAlert(), headers));
    expect(trigger).toMatchObject({
      source: "incidentio",
      deliveryId: "msg_2k9VxN3vQf0W1yZ8",
      routing: { kind: "incidentio_alert_source", value: "01GW2G3V0S59R238FAHPDS1R66" },
      title: "Ticketing checkout latency high",
      link: "https://grafana.example.com/alerting/grafana/ticketing-latency/view",
      eventIds: ["AB4001", "AB4023"],
      occurredAt: "2026-03-14T18:02:11.801Z",
      threadKey: "incidentio:alert:01HQ3Z8J7X9KQ4C2B1V0N5M6TR",
    });
    expect(trigger.summary).toContain("firing");
    expect(trigger.summary).toContain("service: Ticketing");
    expect(trigger.summary).toContain("Checkout p95 over 4s");
    expect(trigger.summary).toContain("https://grafana.example.com/alerting/grafana/ticketing-latency/view");
  });

  it("ignores incident events, which carry no routing identifier", () => {
    const result = expectIgnored(parseIncidentIo(incidentIoIncidentCreated(), headers));
    expect(result.reason).toBe("incident events carry no routing identifier");
    expect(result.deliveryId).toBe("msg_2k9VxN3vQf0W1yZ8");
    expect(result.routing).toBeNull();
  });

  it.each(["private_incident.incident_created_v2", "public_incident.follow_up_created_v2"])(
    "ignores %s the same way",
    (eventType) => {
      const result = expectIgnored(
        parseIncidentIo({ event_type: eventType, [eventType]: { id: "abc" } }, headers),
      );
      expect(result.reason).toBe("incident events carry no routing identifier");
    },
  );

  it("ignores private alerts, which carry only an id", () => {
    const eventType = "private_alert.alert_created_v1";
    const result = expectIgnored(
      parseIncidentIo({ event_type: eventType, [eventType]: { id: "abc" } }, headers),
    );
    expect(result.reason).toBe(`event_type ${eventType} does not start a run`);
  });

  it("ignores a delivery without the webhook-id header, keeping its routing", () => {
    const result = expectIgnored(parseIncidentIo(incidentIoAlert(), { webhookId: "  " }));
    expect(result.reason).toMatch(/webhook-id/);
    expect(result.deliveryId).toBeNull();
    expect(result.routing).toEqual({ kind: "incidentio_alert_source", value: "01GW2G3V0S59R238FAHPDS1R66" });
  });

  it("ignores an alert with no alert_source_id", () => {
    const result = expectIgnored(parseIncidentIo(incidentIoAlert({ alert_source_id: null }), headers));
    expect(result.reason).toMatch(/alert_source_id/);
  });

  it("ignores an alert that was already resolved when it was created", () => {
    const result = expectIgnored(parseIncidentIo(incidentIoAlert({ status: "resolved" }), headers));
    expect(result.reason).toBe("alert is already resolved");
  });

  it("ignores an event_type whose payload key is missing", () => {
    const result = expectIgnored(parseIncidentIo({ event_type: "public_alert.alert_created_v1" }, headers));
    expect(result.reason).toMatch(/no alert object/);
  });

  it("keeps a long description to a few lines in the summary but finds eids anywhere in it", () => {
    const description = [
      "line one",
      "line two",
      "line three",
      "line four mentions AB4999",
      "y".repeat(2000),
    ].join("\n");
    const trigger = expectAlert(parseIncidentIo(incidentIoAlert({ description }), headers));
    expect(trigger.summary).not.toContain("line four");
    expect(trigger.summary.length).toBeLessThan(1000);
    expect(trigger.eventIds).toEqual(["AB4999"]);
  });
});

describe("parseGitHub", () => {
  const delivery = "72d3162e-cc78-11e3-81ab-4c9367dc0958";

  it.each(["failure", "error"])("starts a run for a deployment_status in state %s", (state) => {
    const trigger = expectAlert(
      parseGitHub(deploymentStatus(state), { event: "deployment_status", delivery }),
    );
    expect(trigger).toMatchObject({
      source: "github",
      deliveryId: delivery,
      routing: { kind: "github_repo", value: "artbattle/voting-app" },
      link: "https://ci.example.com/deploys/912/logs",
      eventIds: ["AB4023"],
      occurredAt: "2026-03-14T20:05:12.000Z",
      threadKey: "github:deployment:artbattle/voting-app:145988746",
    });
    expect(trigger.title).toContain("artbattle/voting-app");
    expect(trigger.title).toContain("production");
    expect(trigger.summary).toContain("artbattle/voting-app");
    expect(trigger.summary).toContain(`"${state}"`);
    expect(trigger.summary).toContain("main (f95f852)");
    expect(trigger.summary).toContain("Migration 0042 failed");
    expect(trigger.summary).toContain("https://ci.example.com/deploys/912/logs");
  });

  it("uses target_url when log_url is empty, as older integrations leave it", () => {
    const trigger = expectAlert(
      parseGitHub(deploymentStatus("failure", { log_url: "" }), { event: "deployment_status", delivery }),
    );
    expect(trigger.link).toBe("https://ci.example.com/deploys/912");
  });

  it.each(["success", "pending", "in_progress", "queued", "inactive"])(
    "ignores a deployment_status in state %s",
    (state) => {
      const result = expectIgnored(
        parseGitHub(deploymentStatus(state), { event: "deployment_status", delivery }),
      );
      expect(result.reason).toBe(`deployment_status state ${state} does not start a run`);
      expect(result.routing).toEqual({ kind: "github_repo", value: "artbattle/voting-app" });
    },
  );

  it("starts a run for a completed workflow_run that failed", () => {
    const trigger = expectAlert(
      parseGitHub(workflowRun("completed", "failure"), { event: "workflow_run", delivery }),
    );
    expect(trigger).toMatchObject({
      routing: { kind: "github_repo", value: "artbattle/voting-app" },
      title: 'Workflow "CI" failed on main: artbattle/voting-app',
      link: "https://github.com/ArtBattle/Voting-App/actions/runs/30433642",
      eventIds: ["AB4120"],
      occurredAt: "2026-03-14T21:04:41.000Z",
      threadKey: "github:workflow_run:artbattle/voting-app:30433642",
    });
    expect(trigger.summary).toContain("run #562");
    expect(trigger.summary).toContain("artbattle/voting-app");
    expect(trigger.summary).toContain("Fix AB4120 auction close rounding (acb5820)");
    expect(trigger.summary).toContain("https://github.com/ArtBattle/Voting-App/actions/runs/30433642");
  });

  it.each([
    ["completed", "success", "workflow_run conclusion success does not start a run"],
    ["completed", "cancelled", "workflow_run conclusion cancelled does not start a run"],
    ["requested", null, "workflow_run action requested does not start a run"],
    ["in_progress", null, "workflow_run action in_progress does not start a run"],
  ])("ignores a workflow_run %s with conclusion %s", (action, conclusion, reason) => {
    const result = expectIgnored(
      parseGitHub(workflowRun(action, conclusion), { event: "workflow_run", delivery }),
    );
    expect(result.reason).toBe(reason);
    expect(result.deliveryId).toBe(delivery);
  });

  it("ignores ping", () => {
    const ping = { zen: "Design for failure.", hook_id: 42, hook: { type: "Repository" }, repository };
    const result = expectIgnored(parseGitHub(ping, { event: "ping", delivery }));
    expect(result.reason).toBe("ping");
  });

  it.each(["push", "pull_request", "issues", "issue_comment", "check_run"])("ignores %s", (event) => {
    const result = expectIgnored(parseGitHub({ action: "opened", repository }, { event, delivery }));
    expect(result.reason).toBe(`event ${event} does not start a run`);
    expect(result.routing).toEqual({ kind: "github_repo", value: "artbattle/voting-app" });
  });

  it("ignores a delivery without X-GitHub-Delivery", () => {
    const result = expectIgnored(
      parseGitHub(deploymentStatus("failure"), { event: "deployment_status", delivery: undefined }),
    );
    expect(result.reason).toMatch(/X-GitHub-Delivery/);
    expect(result.deliveryId).toBeNull();
  });

  it("ignores a delivery without X-GitHub-Event", () => {
    const result = expectIgnored(parseGitHub(deploymentStatus("failure"), { event: undefined, delivery }));
    expect(result.reason).toMatch(/X-GitHub-Event/);
  });

  it("ignores a failure in a delivery with no repository", () => {
    const { repository: _, ...body } = deploymentStatus("failure");
    const result = expectIgnored(parseGitHub(body, { event: "deployment_status", delivery }));
    expect(result.reason).toMatch(/repository/);
  });
});

describe("garbage input", () => {
  const garbage: unknown[] = [null, undefined, [], [1, 2], "AB4023 down", 42, true, {}, { event: "nope" }];

  it.each(garbage.map((g) => [JSON.stringify(g) ?? "undefined", g]))(
    "every parser ignores %s without throwing",
    (_, body) => {
      expect(expectIgnored(parsePagerDuty(body)).reason).not.toBe("");
      expect(expectIgnored(parseIncidentIo(body, { webhookId: "msg_1" })).reason).not.toBe("");
      for (const event of ["deployment_status", "workflow_run", "ping"]) {
        expect(expectIgnored(parseGitHub(body, { event, delivery: "d-1" })).reason).not.toBe("");
      }
    },
  );

  it("tolerates wrong types deep inside otherwise valid payloads", () => {
    expect(() =>
      parsePagerDuty({ event: { id: 7, event_type: "incident.triggered", data: [] } }),
    ).not.toThrow();
    expect(
      expectIgnored(
        parseIncidentIo(
          { event_type: "public_alert.alert_created_v1", "public_alert.alert_created_v1": "x" },
          { webhookId: "m" },
        ),
      ).reason,
    ).toMatch(/no alert object/);
    const trigger = expectAlert(
      parseGitHub(workflowRun("completed", "failure", { name: 5, head_commit: "oops", run_number: "x" }), {
        event: "workflow_run",
        delivery: "d-2",
      }),
    );
    expect(trigger.title).toBe('Workflow "workflow" failed on main: artbattle/voting-app');
  });

  it("does not throw when headers themselves are missing", () => {
    expect(() =>
      parseIncidentIo(incidentIoAlert(), undefined as unknown as { webhookId: undefined }),
    ).not.toThrow();
    expect(() =>
      parseGitHub(
        deploymentStatus("failure"),
        undefined as unknown as { event: undefined; delivery: undefined },
      ),
    ).not.toThrow();
  });
});
