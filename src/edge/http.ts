import { type EdgeFunctionName, type EdgeFunctions, ToolError } from "../catalog/index.ts";

export interface HttpEdgeOptions {
  /** The project URL, without a trailing slash (e.g. https://xyz.supabase.co). */
  supabaseUrl: string;
  serviceRoleKey: string;
  timeoutMs: number;
}

/** Longest upstream body kept in an error's details (the message carries its `error` field). */
const DETAIL_CHARS = 500;

function upstreamMessage(body: unknown): string | null {
  if (!body || typeof body !== "object") return null;
  const { error, message, details } = body as Record<string, unknown>;
  const parts = [error, message, details].filter((part) => typeof part === "string" && part.length > 0);
  return parts.length > 0 ? parts.join(": ").slice(0, 300) : null;
}

/**
 * Supabase Edge Functions over HTTP: POST {url}/functions/v1/<name> with the service-role key as
 * Bearer token and `apikey`, JSON both ways, one timeout per call. An idempotency key travels as
 * the `Idempotency-Key` header and as `idempotency_key` in the body, so a function can refuse to
 * repeat an effect. Nothing is retried here: a payout must not be sent twice on a guess.
 */
export class HttpEdgeFunctions implements EdgeFunctions {
  readonly #options: HttpEdgeOptions;

  constructor(options: HttpEdgeOptions) {
    this.#options = options;
  }

  async invoke<T = unknown>(
    name: EdgeFunctionName,
    payload: Record<string, unknown>,
    options: { idempotencyKey?: string | null } = {},
  ): Promise<T> {
    const { supabaseUrl, serviceRoleKey, timeoutMs } = this.#options;
    const headers: Record<string, string> = {
      authorization: `Bearer ${serviceRoleKey}`,
      apikey: serviceRoleKey,
      "content-type": "application/json",
      accept: "application/json",
    };
    const body = { ...payload };
    if (options.idempotencyKey) {
      headers["idempotency-key"] = options.idempotencyKey;
      body.idempotency_key = options.idempotencyKey;
    }
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${supabaseUrl}/functions/v1/${name}`, {
        method: "POST",
        headers,
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      const timedOut = (error as Error).name === "TimeoutError" || (error as Error).name === "AbortError";
      throw new ToolError(
        "UPSTREAM",
        timedOut
          ? `Edge Function ${name} did not answer within ${timeoutMs} ms; nothing was recorded here`
          : `Edge Function ${name} could not be reached`,
        { function: name, status: null, reason: timedOut ? "timeout" : "unreachable" },
      );
    }
    let parsed: unknown;
    try {
      parsed = text.length > 0 ? JSON.parse(text) : null;
    } catch {
      parsed = undefined;
    }
    if (!response.ok) {
      const said = upstreamMessage(parsed);
      throw new ToolError(
        "UPSTREAM",
        `Edge Function ${name} answered ${response.status}${said ? `: ${said}` : ""}`,
        { function: name, status: response.status, body: text.slice(0, DETAIL_CHARS) },
      );
    }
    if (parsed === undefined) {
      throw new ToolError("UPSTREAM", `Edge Function ${name} answered ${response.status} without JSON`, {
        function: name,
        status: response.status,
        body: text.slice(0, DETAIL_CHARS),
      });
    }
    return parsed as T;
  }
}
