import { createHmac, randomUUID } from "node:crypto";

/**
 * Webhook deliveries as the providers send them: their payload shapes (trimmed to what a reader
 * recognises) and their real signature schemes, for driving the control plane over HTTP.
 */

export const WEBHOOK_SECRETS = {
  github: "github-webhook-secret-0123",
  pagerduty: "pagerduty-webhook-secret-0123",
  // Standard Webhooks secrets are base64 behind a whsec_ prefix.
  incidentio: `whsec_${Buffer.from("incident-io-signing-key-0123456789").toString("base64")}`,
} as const;

const hmacHex = (secret: string | Buffer, content: string) =>
  createHmac("sha256", secret).update(content).digest("hex");

export function pagerDutyV3(input: {
  eventId?: string;
  eventType?: string;
  incidentId?: string;
  serviceId: string;
  title: string;
}): Record<string, unknown> {
  const incident = input.incidentId ?? `P${randomUUID().slice(0, 6).toUpperCase()}`;
  return {
    event: {
      id: input.eventId ?? randomUUID().replace(/-/g, "").toUpperCase(),
      event_type: input.eventType ?? "incident.triggered",
      resource_type: "incident",
      occurred_at: new Date().toISOString(),
      agent: null,
      client: null,
      data: {
        id: incident,
        type: "incident",
        self: `https://api.pagerduty.com/incidents/${incident}`,
        html_url: `https://artbattle.pagerduty.com/incidents/${incident}`,
        number: 7,
        status: "triggered",
        incident_key: randomUUID(),
        created_at: new Date().toISOString(),
        title: input.title,
        service: {
          id: input.serviceId,
          summary: "Voting API",
          self: `https://api.pagerduty.com/services/${input.serviceId}`,
          html_url: `https://artbattle.pagerduty.com/services/${input.serviceId}`,
          type: "service_reference",
        },
        assignees: [],
        escalation_policy: null,
        teams: [],
        priority: null,
        urgency: "high",
        conference_bridge: null,
        resolve_reason: null,
      },
    },
  };
}

export function pagerDutyHeaders(
  body: string,
  secret: string = WEBHOOK_SECRETS.pagerduty,
): Record<string, string> {
  // During a secret rotation PagerDuty sends one signature per secret; the retired one comes first here.
  return { "x-pagerduty-signature": `v1=${hmacHex("retired-secret", body)},v1=${hmacHex(secret, body)}` };
}

export function gitHubDeploymentFailure(input: {
  repo: string;
  description: string;
}): Record<string, unknown> {
  return {
    action: "created",
    deployment_status: {
      id: 42,
      state: "failure",
      description: input.description,
      environment: "production",
      target_url: "",
      log_url: `https://github.com/${input.repo}/actions/runs/1`,
      created_at: new Date().toISOString(),
    },
    deployment: { id: 7, sha: "a1b2c3d", ref: "main", environment: "production", description: "deploy" },
    repository: {
      id: 1,
      name: input.repo.split("/")[1],
      full_name: input.repo,
      html_url: `https://github.com/${input.repo}`,
    },
    sender: { login: "octocat" },
  };
}

export function gitHubHeaders(
  body: string,
  event: string,
  delivery: string = randomUUID(),
  secret: string = WEBHOOK_SECRETS.github,
): Record<string, string> {
  return {
    "x-github-event": event,
    "x-github-delivery": delivery,
    "x-hub-signature-256": `sha256=${hmacHex(secret, body)}`,
  };
}

export function incidentIoAlert(input: { alertSourceId: string; title: string }): Record<string, unknown> {
  const eventType = "public_alert.alert_created_v1";
  return {
    event_type: eventType,
    [eventType]: {
      id: randomUUID(),
      title: input.title,
      description: "Raised from the live-event monitor",
      status: "firing",
      alert_source_id: input.alertSourceId,
      deduplication_key: randomUUID(),
      source_url: "https://monitor.artbattle.example/alerts/1",
      created_at: new Date().toISOString(),
      updated_at: new Date().toISOString(),
      attributes: [],
    },
  };
}

export function incidentIoHeaders(
  body: string,
  options: { id?: string; timestampSec?: number; secret?: string } = {},
): Record<string, string> {
  const id = options.id ?? `msg_${randomUUID().replace(/-/g, "")}`;
  const timestamp = String(options.timestampSec ?? Math.floor(Date.now() / 1000));
  const secret = options.secret ?? WEBHOOK_SECRETS.incidentio;
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const signature = createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64");
  return { "webhook-id": id, "webhook-timestamp": timestamp, "webhook-signature": `v1,${signature}` };
}

export async function deliver(
  url: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}
