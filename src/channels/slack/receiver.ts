import type { App, Receiver, ReceiverEvent } from "@slack/bolt";
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Logger } from "../../observability/index.ts";
import { verifySlack } from "../../shared/index.ts";

/** Slack's payloads are small; a megabyte is far beyond any event, command or button. */
const MAX_SLACK_BODY_BYTES = 1024 * 1024;

/**
 * How long a request waits for its listener to acknowledge. Slack gives up after 3 s and retries;
 * events are acknowledged by Bolt before any listener runs, commands and buttons by their listener
 * first thing, so this only catches a listener that forgot.
 */
const ACK_DEADLINE_MS = 2500;

/** Slack's request body: JSON (events), a form (commands), or a form with a JSON `payload` (buttons). */
export function parseSlackBody(rawBody: string, contentType: string): Record<string, unknown> | null {
  try {
    if (contentType.startsWith("application/json")) {
      const parsed: unknown = JSON.parse(rawBody);
      return parsed && typeof parsed === "object" && !Array.isArray(parsed)
        ? (parsed as Record<string, unknown>)
        : null;
    }
    const form = new URLSearchParams(rawBody);
    const payload = form.get("payload");
    if (payload !== null) {
      const parsed: unknown = JSON.parse(payload);
      return parsed && typeof parsed === "object" ? (parsed as Record<string, unknown>) : null;
    }
    return Object.fromEntries(form);
  } catch {
    return null;
  }
}

/** What a listener's ack(…) becomes on the wire: nothing, text, or JSON (a command's inline reply). */
function ackResponse(c: Context, response: unknown): Response {
  if (response === undefined || response === null || response === "") return c.body(null, 200);
  if (typeof response === "string") return c.text(response, 200);
  return c.json(response as object, 200);
}

/**
 * A Bolt receiver that is a route on Arthur's own web server (the console's), instead of a server of
 * its own: `POST /slack/events` takes events, slash commands and interactivity alike. Each request
 * is verified (signature, five-minute window), handed to Bolt, and answered as soon as it is
 * acknowledged; the work goes on after the response, and `stop()` waits for it.
 */
export class HonoReceiver implements Receiver {
  readonly #signingSecret: string;
  readonly #logger: Logger | undefined;
  readonly #inFlight = new Set<Promise<void>>();
  #bolt: App | undefined;

  constructor(options: { signingSecret: string; logger?: Logger }) {
    this.#signingSecret = options.signingSecret;
    this.#logger = options.logger?.child({ component: "slack" });
  }

  init(app: App): void {
    this.#bolt = app;
  }

  async start(): Promise<void> {}

  /** Wait (a bounded time) for answers still being worked on, so a restart does not drop them. */
  async stop(timeoutMs = 10_000): Promise<void> {
    const pending = Promise.allSettled([...this.#inFlight]);
    await Promise.race([pending, new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
  }

  /** Work still going on after its request was answered (tests wait on it). */
  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  /** The routes to mount at /slack on the web server. */
  routes(): Hono {
    const app = new Hono();
    app.post(
      "/events",
      bodyLimit({
        maxSize: MAX_SLACK_BODY_BYTES,
        onError: (c) => c.json({ error: "payload too large" }, 413),
      }),
      (c) => this.#handle(c),
    );
    return app;
  }

  async #handle(c: Context): Promise<Response> {
    const rawBody = await c.req.text();
    const check = verifySlack({
      secret: this.#signingSecret,
      headers: {
        "x-slack-request-timestamp": c.req.header("x-slack-request-timestamp"),
        "x-slack-signature": c.req.header("x-slack-signature"),
      },
      rawBody,
    });
    if (!check.ok) {
      this.#logger?.warn({ reason: check.reason }, "refused a request that is not from Slack");
      return c.json({ error: `request not verified: ${check.reason}` }, 401);
    }
    const body = parseSlackBody(rawBody, c.req.header("content-type") ?? "");
    if (!body) return c.json({ error: "the body is not a Slack payload" }, 400);
    if (body.type === "url_verification" && typeof body.challenge === "string") {
      return c.json({ challenge: body.challenge });
    }
    if (body.ssl_check !== undefined) return c.body(null, 200);
    const bolt = this.#bolt;
    if (!bolt) return c.json({ error: "the Slack app is not ready" }, 503);

    let acknowledge: (response: Response) => void = () => {};
    const acknowledged = new Promise<Response>((resolve) => {
      acknowledge = resolve;
    });
    let acked = false;
    const retryNum = Number(c.req.header("x-slack-retry-num"));
    const retryReason = c.req.header("x-slack-retry-reason");
    const event: ReceiverEvent = {
      body,
      ...(Number.isInteger(retryNum) ? { retryNum } : {}),
      ...(retryReason ? { retryReason } : {}),
      ack: async (response?: unknown) => {
        if (acked) return;
        acked = true;
        acknowledge(ackResponse(c, response));
      },
    };
    const work = bolt
      .processEvent(event)
      .catch((error: unknown) => {
        this.#logger?.error(
          { err: error instanceof Error ? error.message : String(error), type: body.type },
          "a Slack listener failed",
        );
      })
      .finally(() => {
        this.#inFlight.delete(work);
        // Nothing listened (an event type Arthur does not handle): still tell Slack it arrived.
        if (!acked) event.ack().catch(() => {});
      });
    this.#inFlight.add(work);
    const deadline = setTimeout(() => {
      if (!acked) this.#logger?.warn({ type: body.type }, "a Slack listener did not acknowledge in time");
      event.ack().catch(() => {});
    }, ACK_DEADLINE_MS);
    try {
      return await acknowledged;
    } finally {
      clearTimeout(deadline);
    }
  }
}
