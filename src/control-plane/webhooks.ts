import type { Sql } from "../db/index.ts";
import type { Logger } from "../observability/index.ts";
import { type Headers, verifyWebhook } from "../shared/index.ts";
import { type AlertTrigger, type Parsed, parseGitHub, parseIncidentIo, parsePagerDuty } from "./alerts.ts";
import type { Tenants } from "./tenants.ts";

export type AlertSource = "github" | "pagerduty" | "incidentio";

/** An alert routed to a team, as it goes on the queue. */
export interface AlertJob {
  orgId: string;
  teamId: string;
  trigger: AlertTrigger;
}

export interface WebhookDeps {
  sql: Sql;
  tenants: Tenants;
  secrets: Record<AlertSource, string | undefined>;
  /** Put the run on the worker queue (pg-boss); the webhook answers without waiting for it. */
  enqueue: (job: AlertJob) => Promise<void>;
  logger: Logger;
  /** Counted per source and outcome (metrics). */
  count?: (source: AlertSource, outcome: Outcome | "refused" | "invalid") => void;
}

/** What the webhook answers: a status and a small JSON body (never the payload back). */
export interface WebhookReply {
  status: 200 | 202 | 400 | 401 | 503;
  body: Record<string, unknown>;
}

export type Outcome = "queued" | "duplicate" | "ignored" | "unrouted";

function parse(source: AlertSource, body: unknown, headers: Headers): Parsed {
  switch (source) {
    case "pagerduty":
      return parsePagerDuty(body);
    case "incidentio":
      return parseIncidentIo(body, { webhookId: headers["webhook-id"] });
    case "github":
      return parseGitHub(body, { event: headers["x-github-event"], delivery: headers["x-github-delivery"] });
  }
}

/**
 * One webhook delivery: verified by the source's own scheme (401 with a reason when it fails — or
 * when no secret is configured), taken on once per delivery id across replicas, routed to the team
 * that owns the identifier, and queued; the answer goes back without waiting for the run.
 */
export async function ingestWebhook(
  deps: WebhookDeps,
  source: AlertSource,
  request: { headers: Headers; rawBody: string },
): Promise<WebhookReply> {
  const reply = await ingest(deps, source, request);
  const outcome = reply.body.outcome as Outcome | undefined;
  deps.count?.(source, outcome ?? (reply.status === 401 ? "refused" : "invalid"));
  return reply;
}

async function ingest(
  deps: WebhookDeps,
  source: AlertSource,
  request: { headers: Headers; rawBody: string },
): Promise<WebhookReply> {
  const verified = verifyWebhook(source, {
    secret: deps.secrets[source],
    headers: request.headers,
    rawBody: request.rawBody,
  });
  if (!verified.ok) {
    deps.logger.warn({ source, reason: verified.reason }, "webhook refused");
    return {
      status: 401,
      body: { error: { code: "signature_verification_failed", reason: verified.reason } },
    };
  }
  let body: unknown;
  try {
    body = JSON.parse(request.rawBody);
  } catch {
    return { status: 400, body: { error: { code: "invalid_json", message: "The body is not JSON" } } };
  }
  const parsed = parse(source, body, request.headers);
  const deliveryId = parsed.kind === "alert" ? parsed.trigger.deliveryId : parsed.deliveryId;
  if (!deliveryId) {
    return {
      status: 200,
      body: { ok: true, outcome: "ignored", reason: parsed.kind === "ignored" ? parsed.reason : "" },
    };
  }
  // Decide first, then claim the delivery with its outcome in one insert: a redelivery finds the row.
  const team = parsed.kind === "alert" ? await deps.tenants.route(parsed.trigger.routing) : null;
  const outcome: Outcome = parsed.kind === "ignored" ? "ignored" : team ? "queued" : "unrouted";
  const claimed = await deps.sql`
    insert into arthur_webhook_deliveries (source, delivery_id, outcome, org_id, team_id)
    values (${source}, ${deliveryId}, ${outcome}, ${team?.orgId ?? null}, ${team?.teamId ?? null})
    on conflict (source, delivery_id) do nothing returning 1`;
  if (claimed.length === 0)
    return { status: 200, body: { ok: true, outcome: "duplicate" satisfies Outcome } };
  if (parsed.kind === "ignored") {
    return { status: 200, body: { ok: true, outcome: "ignored", reason: parsed.reason } };
  }
  if (!team) {
    deps.logger.info({ source, routing: parsed.trigger.routing }, "webhook for an identifier no team owns");
    return { status: 200, body: { ok: true, outcome: "unrouted", routing: parsed.trigger.routing } };
  }
  try {
    await deps.enqueue({ ...team, trigger: parsed.trigger });
  } catch (error) {
    // Not queued: forget the delivery so the sender's retry is taken on.
    await deps.sql`delete from arthur_webhook_deliveries where source = ${source} and delivery_id = ${deliveryId}`;
    deps.logger.error(
      { source, err: error instanceof Error ? error.message : String(error) },
      "could not queue a run",
    );
    return {
      status: 503,
      body: { error: { code: "unavailable", message: "Could not queue the run; retry" } },
    };
  }
  return { status: 202, body: { ok: true, outcome: "queued", org_id: team.orgId, team_id: team.teamId } };
}
