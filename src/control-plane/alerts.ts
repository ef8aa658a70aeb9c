import { z } from "zod";

/**
 * Turns verified webhook deliveries from PagerDuty (V3), incident.io and GitHub into "agent run"
 * triggers, or into an explicit ignored result. Signature checks happen before this module; here the
 * body is trusted to be authentic but never trusted to be well formed, so nothing below throws.
 */

export type RoutingKind = "slack_channel" | "github_repo" | "pagerduty_service" | "incidentio_alert_source";

export interface RoutingKey {
  kind: RoutingKind;
  value: string;
}

export interface AlertTrigger {
  source: "pagerduty" | "incidentio" | "github";
  deliveryId: string;
  routing: RoutingKey;
  title: string;
  summary: string;
  link: string | null;
  eventIds: string[];
  occurredAt: string | null;
  /** Identifies the incident/alert across deliveries, for threading follow-ups (e.g. PagerDuty incident id). */
  threadKey: string;
}

export type Parsed =
  | { kind: "alert"; trigger: AlertTrigger }
  | { kind: "ignored"; reason: string; deliveryId: string | null; routing: RoutingKey | null };

const TITLE_MAX = 200;
// Descriptions come from third-party tools and can be whole runbooks; the prompt only needs the gist.
const DESCRIPTION_MAX = 500;

// Letters and digits on either side disqualify a match, so "XAB40231" or "AB123456" are not eids;
// punctuation and underscores count as separators because eids show up in slugs like "eid_AB4023".
const EVENT_ID = /(?<![A-Za-z0-9])AB\d{3,5}(?![A-Za-z0-9])/gi;

export function extractEventIds(text: string): string[] {
  if (typeof text !== "string") return [];
  const seen = new Set<string>();
  for (const match of text.matchAll(EVENT_ID)) seen.add(match[0].toUpperCase());
  return [...seen];
}

// Cosmetic fields fall back to null on a wrong type instead of failing the whole delivery: a numeric
// title should not cost the team an alert.
const text = z.string().nullish().catch(null);
const num = z.number().nullish().catch(null);
// Identifiers arrive as strings (PagerDuty, incident.io) or integers (GitHub); both become trimmed strings.
const ident = z
  .union([z.string(), z.number().int()])
  .transform((v) => String(v).trim())
  .nullish()
  .catch(null);

function present(value: string | null | undefined): string | null {
  if (typeof value !== "string") return null;
  const trimmed = value.trim();
  return trimmed === "" ? null : trimmed;
}

function oneLine(value: string): string {
  return value.replace(/\s+/g, " ").trim();
}

function truncate(value: string, max: number): string {
  if (value.length <= max) return value;
  let cut = value.slice(0, max - 1);
  // Never leave half of a surrogate pair (an emoji) dangling before the ellipsis.
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return `${cut.trimEnd()}…`;
}

function makeTitle(value: string): string {
  return truncate(oneLine(value), TITLE_MAX);
}

function shortDescription(value: string | null): string | null {
  const v = present(value);
  if (!v) return null;
  const lines = v
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "")
    .slice(0, 3);
  return truncate(lines.join(" / "), DESCRIPTION_MAX);
}

// Only http(s) links are passed on: they end up clickable in Slack and inside the diagnosis prompt.
function safeLink(...candidates: (string | null | undefined)[]): string | null {
  for (const candidate of candidates) {
    const v = present(candidate);
    if (!v) continue;
    try {
      // Return the link as sent: URL's normalisation can change it (a trailing slash, case in the host).
      const { protocol } = new URL(v);
      if (protocol === "https:" || protocol === "http:") return v;
    } catch {
      // Not a URL; try the next candidate.
    }
  }
  return null;
}

// Date.parse accepts loose strings such as "1" (the year 2001), so require an ISO-looking prefix first.
function isoOrNull(...candidates: (string | null | undefined)[]): string | null {
  for (const candidate of candidates) {
    const v = present(candidate);
    if (!v || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v)) continue;
    const t = Date.parse(v);
    if (!Number.isNaN(t)) return new Date(t).toISOString();
  }
  return null;
}

function joinLines(lines: (string | null | false | undefined)[]): string {
  return lines.filter((l): l is string => typeof l === "string" && l !== "").join("\n");
}

function eventIdsFrom(...texts: (string | null | undefined)[]): string[] {
  return extractEventIds(texts.filter((t): t is string => typeof t === "string").join("\n"));
}

function ignored(reason: string, deliveryId: string | null, routing: RoutingKey | null): Parsed {
  return { kind: "ignored", reason, deliveryId, routing };
}

function routingKey(kind: RoutingKind, value: string | null | undefined): RoutingKey | null {
  const v = present(value);
  return v ? { kind, value: v } : null;
}

// ---------------------------------------------------------------------------------------------------
// PagerDuty (V3 webhook subscriptions)

const PAGERDUTY_RUN_EVENTS = new Set(["incident.triggered", "incident.reopened"]);

const pdReference = z.object({ id: ident, summary: text }).nullish().catch(null);

// Incident events carry the incident itself in `data`; other resource types (services, annotations)
// simply leave these fields null.
const pdData = z
  .object({
    id: ident,
    type: text,
    html_url: text,
    number: num,
    status: text,
    title: text,
    created_at: text,
    urgency: text,
    service: pdReference,
    escalation_policy: pdReference,
    priority: pdReference,
  })
  .nullish()
  .catch(null);

const pdEnvelope = z.object({
  event: z.object({
    id: ident,
    event_type: text,
    resource_type: text,
    occurred_at: text,
    data: pdData,
  }),
});

const pdLegacyEnvelope = z.object({ messages: z.array(z.unknown()) });

export function parsePagerDuty(body: unknown): Parsed {
  const parsed = pdEnvelope.safeParse(body);
  if (!parsed.success) {
    // The V2 envelope is answered loudly: silently accepting it is how incidents went unseen before.
    if (pdLegacyEnvelope.safeParse(body).success) {
      return ignored("PagerDuty V2 webhooks are not supported; subscribe with V3", null, null);
    }
    return ignored("not a PagerDuty V3 webhook: no event object", null, null);
  }
  const { event } = parsed.data;
  const deliveryId = present(event.id);
  const data = event.data;
  const routing = routingKey("pagerduty_service", data?.service?.id);
  const eventType = present(event.event_type);

  if (!deliveryId) return ignored("missing event.id (delivery id)", null, routing);
  if (!eventType) return ignored("missing event.event_type", deliveryId, routing);
  if (!PAGERDUTY_RUN_EVENTS.has(eventType)) {
    return ignored(`event_type ${eventType} does not start a run`, deliveryId, routing);
  }
  const incidentId = present(data?.id);
  if (!data || !incidentId) return ignored("incident event has no incident id", deliveryId, routing);
  if (!routing) return ignored("incident has no service id to route by", deliveryId, null);

  const number = data.number != null ? `#${data.number}` : incidentId;
  const incidentTitle = present(data.title);
  const serviceName = present(data.service?.summary);
  const verb = eventType === "incident.reopened" ? "reopened" : "triggered";
  const link = safeLink(data.html_url);
  const status = [
    present(data.status),
    present(data.urgency) && `urgency ${present(data.urgency)}`,
    present(data.priority?.summary) && `priority ${present(data.priority?.summary)}`,
  ].filter(Boolean);

  const title = makeTitle(incidentTitle ?? `PagerDuty incident ${number} on ${serviceName ?? routing.value}`);
  const summary = joinLines([
    `PagerDuty incident ${number} ${verb}: ${title}`,
    `Service: ${serviceName ? `${oneLine(serviceName)} (${routing.value})` : routing.value}`,
    status.length > 0 && `Status: ${status.join(", ")}`,
    present(data.escalation_policy?.summary) &&
      `Escalation policy: ${oneLine(present(data.escalation_policy?.summary) ?? "")}`,
    link && `Link: ${link}`,
  ]);

  return {
    kind: "alert",
    trigger: {
      source: "pagerduty",
      deliveryId,
      routing,
      title,
      summary,
      link,
      eventIds: eventIdsFrom(incidentTitle, summary),
      occurredAt: isoOrNull(event.occurred_at, data.created_at),
      threadKey: `pagerduty:incident:${incidentId}`,
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// incident.io

const INCIDENTIO_ALERT_CREATED = "public_alert.alert_created_v1";

// The payload sits under a key named after event_type, so keep unknown keys to look it up.
const ioEnvelope = z.looseObject({ event_type: text });

const ioAttribute = z
  .object({
    attribute: z.object({ name: text }).nullish().catch(null),
    value: z.object({ label: text, literal: text }).nullish().catch(null),
  })
  .catch({ attribute: null, value: null });

const ioAlert = z.object({
  id: ident,
  title: text,
  description: text,
  status: text,
  alert_source_id: ident,
  deduplication_key: ident,
  source_url: text,
  created_at: text,
  attributes: z.array(ioAttribute).nullish().catch(null),
});

export function parseIncidentIo(body: unknown, headers: { webhookId: string | undefined }): Parsed {
  const deliveryId = present(headers?.webhookId);
  const envelope = ioEnvelope.safeParse(body);
  if (!envelope.success) return ignored("body is not a JSON object", deliveryId, null);
  const eventType = present(envelope.data.event_type);
  if (!eventType) return ignored("missing event_type", deliveryId, null);

  const alertParse =
    eventType === INCIDENTIO_ALERT_CREATED ? ioAlert.safeParse(envelope.data[eventType]) : null;
  const alert = alertParse?.success ? alertParse.data : null;
  const routing = routingKey("incidentio_alert_source", alert?.alert_source_id);

  if (!deliveryId) return ignored("missing webhook-id header (delivery id)", null, routing);
  if (eventType !== INCIDENTIO_ALERT_CREATED) {
    // Incident payloads name the incident, never the team or alert source that owns it; routing them
    // by incident id (as IncidentFox did) matches nothing.
    if (eventType.includes("_incident.")) {
      return ignored("incident events carry no routing identifier", deliveryId, null);
    }
    return ignored(`event_type ${eventType} does not start a run`, deliveryId, null);
  }
  if (!alert) return ignored(`no alert object under "${eventType}"`, deliveryId, null);
  if (!routing) return ignored("alert has no alert_source_id to route by", deliveryId, null);
  const alertId = present(alert.id);
  if (!alertId) return ignored("alert has no id", deliveryId, routing);
  const status = present(alert.status);
  if (status === "resolved") return ignored("alert is already resolved", deliveryId, routing);

  const alertTitle = present(alert.title);
  const description = shortDescription(alert.description ?? null);
  const link = safeLink(alert.source_url);
  const attributes = (alert.attributes ?? [])
    .map((a) => {
      const name = present(a.attribute?.name);
      const value = present(a.value?.label) ?? present(a.value?.literal);
      return name && value ? `${oneLine(name)}: ${oneLine(value)}` : null;
    })
    .filter((a): a is string => a !== null)
    .slice(0, 5);

  const title = makeTitle(alertTitle ?? `incident.io alert ${alertId}`);
  const summary = joinLines([
    `incident.io alert${status ? ` (${status})` : ""}: ${title}`,
    `Alert source: ${routing.value}`,
    attributes.length > 0 && `Attributes: ${attributes.join("; ")}`,
    description && `Description: ${description}`,
    link && `Link: ${link}`,
  ]);

  return {
    kind: "alert",
    trigger: {
      source: "incidentio",
      deliveryId,
      routing,
      title,
      summary,
      link,
      eventIds: eventIdsFrom(alertTitle, alert.description, summary),
      occurredAt: isoOrNull(alert.created_at),
      threadKey: `incidentio:alert:${alertId}`,
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// GitHub

const FAILED_DEPLOYMENT_STATES = new Set(["failure", "error"]);

const ghBody = z.object({
  action: text,
  repository: z.object({ full_name: text, html_url: text }).nullish().catch(null),
  deployment: z
    .object({
      id: ident,
      environment: text,
      ref: text,
      sha: text,
      description: text,
    })
    .nullish()
    .catch(null),
  deployment_status: z
    .object({
      id: ident,
      state: text,
      environment: text,
      description: text,
      target_url: text,
      log_url: text,
      created_at: text,
      updated_at: text,
    })
    .nullish()
    .catch(null),
  workflow_run: z
    .object({
      id: ident,
      name: text,
      display_title: text,
      html_url: text,
      head_branch: text,
      head_sha: text,
      event: text,
      status: text,
      conclusion: text,
      run_number: num,
      run_attempt: num,
      run_started_at: text,
      updated_at: text,
      head_commit: z.object({ message: text }).nullish().catch(null),
    })
    .nullish()
    .catch(null),
});

type GitHubBody = z.infer<typeof ghBody>;

function githubRepoKey(fullName: string | null | undefined): RoutingKey | null {
  const v = present(fullName)?.toLowerCase();
  // GitHub's full_name is always "owner/name"; anything else would never match a team's config.
  return v && /^[^/\s]+\/[^/\s]+$/.test(v) ? { kind: "github_repo", value: v } : null;
}

function shortSha(sha: string | null | undefined): string | null {
  const v = present(sha);
  return v ? v.slice(0, 7) : null;
}

export function parseGitHub(
  body: unknown,
  headers: { event: string | undefined; delivery: string | undefined },
): Parsed {
  const deliveryId = present(headers?.delivery);
  const event = present(headers?.event);
  const parsed = ghBody.safeParse(body);
  const routing = parsed.success ? githubRepoKey(parsed.data.repository?.full_name) : null;

  if (!deliveryId) return ignored("missing X-GitHub-Delivery header (delivery id)", null, routing);
  if (!event) return ignored("missing X-GitHub-Event header", deliveryId, routing);
  if (!parsed.success) return ignored("body is not a JSON object", deliveryId, null);
  if (event === "ping") return ignored("ping", deliveryId, routing);

  switch (event) {
    case "deployment_status":
      return githubDeploymentStatus(parsed.data, deliveryId, routing);
    case "workflow_run":
      return githubWorkflowRun(parsed.data, deliveryId, routing);
    default:
      return ignored(`event ${event} does not start a run`, deliveryId, routing);
  }
}

function githubDeploymentStatus(body: GitHubBody, deliveryId: string, routing: RoutingKey | null): Parsed {
  const status = body.deployment_status;
  const state = present(status?.state);
  if (!status || !state) return ignored("deployment_status has no state", deliveryId, routing);
  if (!FAILED_DEPLOYMENT_STATES.has(state)) {
    return ignored(`deployment_status state ${state} does not start a run`, deliveryId, routing);
  }
  if (!routing) return ignored("no repository.full_name to route by", deliveryId, null);

  const repo = routing.value;
  const environment = present(status.environment) ?? present(body.deployment?.environment);
  const ref = present(body.deployment?.ref);
  const sha = shortSha(body.deployment?.sha);
  const description = shortDescription(status.description ?? null);
  // log_url replaced target_url in GitHub's API; older integrations still only set target_url.
  const link = safeLink(status.log_url, status.target_url);
  const where = environment ? ` to ${environment}` : "";

  const title = makeTitle(`Deployment of ${repo}${where} ${state === "error" ? "errored" : "failed"}`);
  const summary = joinLines([
    `GitHub deployment of ${repo}${where} ended in state "${state}".`,
    (ref || sha) && `Ref: ${[ref, sha && ref !== sha ? `(${sha})` : null].filter(Boolean).join(" ")}`,
    description && `Description: ${description}`,
    link && `Link: ${link}`,
  ]);

  const deploymentId = present(body.deployment?.id);
  return {
    kind: "alert",
    trigger: {
      source: "github",
      deliveryId,
      routing,
      title,
      summary,
      link,
      eventIds: eventIdsFrom(status.description, body.deployment?.description, summary),
      occurredAt: isoOrNull(status.created_at, status.updated_at),
      // Every status of one deployment threads together; without an id, fall back to the environment.
      threadKey: `github:deployment:${repo}:${deploymentId ?? environment ?? "unknown"}`,
    },
  };
}

function githubWorkflowRun(body: GitHubBody, deliveryId: string, routing: RoutingKey | null): Parsed {
  const action = present(body.action);
  if (action !== "completed") {
    return ignored(`workflow_run action ${action ?? "(none)"} does not start a run`, deliveryId, routing);
  }
  const run = body.workflow_run;
  const conclusion = present(run?.conclusion);
  if (!run || conclusion !== "failure") {
    return ignored(
      `workflow_run conclusion ${conclusion ?? "(none)"} does not start a run`,
      deliveryId,
      routing,
    );
  }
  if (!routing) return ignored("no repository.full_name to route by", deliveryId, null);

  const repo = routing.value;
  const name = present(run.name) ?? "workflow";
  const branch = present(run.head_branch);
  const commitTitle = present(run.display_title) ?? present(run.head_commit?.message?.split("\n")[0]);
  const sha = shortSha(run.head_sha);
  const link = safeLink(run.html_url);
  const runLabel = run.run_number != null ? ` (run #${run.run_number})` : "";
  const onBranch = branch ? ` on ${branch}` : "";

  const title = makeTitle(`Workflow "${oneLine(name)}" failed${onBranch}: ${repo}`);
  const summary = joinLines([
    `GitHub Actions workflow "${oneLine(name)}"${runLabel} failed${onBranch} in ${repo}.`,
    (commitTitle || sha) &&
      `Commit: ${[commitTitle && oneLine(commitTitle), sha && `(${sha})`].filter(Boolean).join(" ")}`,
    present(run.event) && `Triggered by: ${present(run.event)}`,
    run.run_attempt != null && run.run_attempt > 1 && `Attempt: ${run.run_attempt}`,
    link && `Link: ${link}`,
  ]);

  const runId = present(run.id);
  return {
    kind: "alert",
    trigger: {
      source: "github",
      deliveryId,
      routing,
      title,
      summary,
      link,
      eventIds: eventIdsFrom(run.display_title, run.head_commit?.message, summary),
      occurredAt: isoOrNull(run.updated_at, run.run_started_at),
      // Re-runs keep the run id, so a failed re-attempt lands in the same thread.
      threadKey: `github:workflow_run:${repo}:${runId ?? `${name}@${branch ?? "unknown"}`}`,
    },
  };
}
