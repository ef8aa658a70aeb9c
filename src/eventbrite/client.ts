import { type EventbriteApi, ToolError } from "../catalog/index.ts";
import type { EbErrorBody, EbPagination } from "./wire.ts";

/** The deployment's Eventbrite settings (`config.eventbrite`). */
export interface EventbriteSettings {
  token: string | undefined;
  orgId: string | undefined;
  /** API root without a trailing slash, e.g. https://www.eventbriteapi.com/v3. */
  apiUrl: string;
}

export interface EventbriteClientOptions {
  /** Replaces the global fetch (tests). */
  fetch?: typeof fetch;
  /** Per request; default 15 s, as the original. */
  timeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 15_000;
export const DEFAULT_MAX_PAGES = 20;
/** Longest piece of Eventbrite's own wording carried into a message. */
const SAID_CHARS = 300;

/**
 * The Eventbrite client for this deployment, or null without a token (tools then work from the
 * cached rows and say so).
 */
export function createEventbriteApi(
  settings: EventbriteSettings,
  options: EventbriteClientOptions = {},
): EventbriteApi | null {
  if (!settings.token) return null;
  return new EventbriteClient(settings.token, settings.orgId, settings.apiUrl, options);
}

/**
 * Eventbrite REST v3 with a private token sent as a Bearer header. Every failure becomes a
 * ToolError UPSTREAM whose message says what Eventbrite answered; the token is kept in a private
 * field and never appears in a message, detail or log. Nothing is retried: a tool call is short,
 * and a person can ask again.
 */
export class EventbriteClient implements EventbriteApi {
  readonly orgId: string | undefined;
  readonly #token: string;
  readonly #apiUrl: string;
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;

  constructor(
    token: string,
    orgId: string | undefined,
    apiUrl: string,
    options: EventbriteClientOptions = {},
  ) {
    this.#token = token;
    this.orgId = orgId;
    this.#apiUrl = apiUrl.replace(/\/+$/, "");
    this.#fetch = options.fetch ?? fetch;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  async get<T = unknown>(path: string, query: Record<string, string> = {}): Promise<T> {
    const url = new URL(`${this.#apiUrl}${path.startsWith("/") ? path : `/${path}`}`);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    const where = `GET ${path.split("?")[0]}`;
    let response: Response;
    let text: string;
    try {
      response = await this.#fetch(url, {
        headers: { authorization: `Bearer ${this.#token}`, accept: "application/json" },
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      const name = (error as Error).name;
      const timedOut = name === "TimeoutError" || name === "AbortError";
      // The network code (ECONNREFUSED, ENOTFOUND) helps; the error's own text may quote the URL.
      const code = (error as { cause?: { code?: unknown } }).cause?.code;
      throw new ToolError(
        "UPSTREAM",
        timedOut
          ? `Eventbrite did not answer ${where} within ${this.#timeoutMs} ms`
          : `Eventbrite could not be reached (${where}${typeof code === "string" ? `: ${code}` : ""})`,
        { service: "eventbrite", request: where, status: null, reason: timedOut ? "timeout" : "unreachable" },
      );
    }
    const body = parseJson(text);
    if (!response.ok) throw this.#failure(response, body, where);
    if (body === undefined || body === null || typeof body !== "object") {
      throw new ToolError("UPSTREAM", `Eventbrite answered ${where} with ${response.status} but no JSON`, {
        service: "eventbrite",
        request: where,
        status: response.status,
      });
    }
    return body as T;
  }

  /**
   * Follows `continuation` when Eventbrite gives one, else `page`. No pause between pages (the
   * original slept 200 ms): Eventbrite's limit is per hour, so a sleep only lengthens the call;
   * bounding the page count is what protects the quota.
   */
  async getAll<T = unknown>(
    path: string,
    key: string,
    options: { query?: Record<string, string>; maxPages?: number } = {},
  ): Promise<{ items: T[]; pages: number; complete: boolean }> {
    const maxPages = Math.max(1, options.maxPages ?? DEFAULT_MAX_PAGES);
    const items: T[] = [];
    let next: Record<string, string> = {};
    for (let pages = 1; ; pages++) {
      const body = await this.get<Record<string, unknown>>(path, { ...options.query, ...next });
      const list = body[key];
      if (!Array.isArray(list)) {
        throw new ToolError("UPSTREAM", `Eventbrite's answer to GET ${path} has no "${key}" list`, {
          service: "eventbrite",
          request: `GET ${path}`,
        });
      }
      items.push(...(list as T[]));
      const following = nextPage(body.pagination as EbPagination | undefined, next);
      if (!following) return { items, pages, complete: true };
      // A continuation that does not move would only repeat this page.
      const stuck = following.continuation !== undefined && following.continuation === next.continuation;
      if (stuck || pages >= maxPages) return { items, pages, complete: false };
      next = following;
    }
  }

  #failure(response: Response, body: unknown, where: string): ToolError {
    const { status } = response;
    const eb = (body && typeof body === "object" ? body : {}) as EbErrorBody;
    const said = this.#scrub(
      [eb.error, eb.error_description].filter((s) => typeof s === "string" && s).join(": "),
    ).slice(0, SAID_CHARS);
    const details = { service: "eventbrite", request: where, status, error: eb.error ?? null };
    if (status === 429) {
      // Retry-After is seconds or an HTTP date.
      const retryAfter = response.headers.get("retry-after")?.trim() || null;
      const seconds = retryAfter && /^\d+$/.test(retryAfter) ? Number(retryAfter) : null;
      const when = seconds !== null ? `${seconds} s` : retryAfter;
      return new ToolError(
        "UPSTREAM",
        `Eventbrite's rate limit was reached (429 on ${where}); ${when ? `retry after ${when}` : "retry later"}`,
        { ...details, retryAfterSeconds: seconds },
      );
    }
    if (status === 401 || status === 403) {
      return new ToolError(
        "UPSTREAM",
        `Eventbrite rejected the token (check EB_PRIVATE_TOKEN): ${status} on ${where}${said ? ` — ${said}` : ""}`,
        details,
      );
    }
    return new ToolError(
      "UPSTREAM",
      `Eventbrite answered ${status} to ${where}${said ? `: ${said}` : ""}`,
      details,
    );
  }

  /** Eventbrite's wording, with the token blanked out should it ever be echoed back. */
  #scrub(text: string): string {
    return text.split(this.#token).join("***");
  }
}

function parseJson(text: string): unknown {
  try {
    return text.length > 0 ? JSON.parse(text) : null;
  } catch {
    return undefined;
  }
}

/** The query for the page after this one, or null when there is none. */
function nextPage(
  pagination: EbPagination | undefined,
  current: Record<string, string>,
): Record<string, string> | null {
  if (!pagination) return null;
  const pageNumber = pagination.page_number ?? Number(current.page ?? 1);
  const more =
    pagination.has_more_items ??
    (pagination.page_count !== undefined ? pageNumber < pagination.page_count : false);
  if (!more) return null;
  if (pagination.continuation) return { continuation: pagination.continuation };
  return { page: String(pageNumber + 1) };
}
