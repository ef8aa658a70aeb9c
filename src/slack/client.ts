import {
  LogLevel,
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
  WebClient,
  type WebClientOptions,
} from "@slack/web-api";
import type { Logger } from "../observability/index.ts";

/** A chart (or any PNG) to share in a channel, optionally as a thread reply. */
export interface ChartUpload {
  channel: string;
  threadTs?: string;
  filename: string;
  title: string;
  /** The message posted with the file (Slack mrkdwn). */
  initialComment: string;
  png: Uint8Array;
}

export interface UploadedFile {
  fileId: string;
  permalink: string | null;
}

export interface PostedMessage {
  channel: string;
  ts: string;
}

/** What Arthur needs from Slack's Web API; tests substitute the fake server, never this interface. */
export interface SlackClient {
  /** Upload a PNG with a comment (files.getUploadURLExternal → upload → files.completeUploadExternal). */
  uploadChart(upload: ChartUpload): Promise<UploadedFile>;
  postMessage(message: { channel: string; text: string; threadTs?: string }): Promise<PostedMessage>;
}

/**
 * Slack error codes that retrying cannot fix: the bot is not in the channel, the channel is gone,
 * or the token is wrong. Callers stop retrying and tell a person instead.
 */
const PERMANENT_CODES = new Set([
  "not_in_channel",
  "channel_not_found",
  "is_archived",
  "invalid_auth",
  "not_authed",
  "account_inactive",
  "token_revoked",
  "token_expired",
  "missing_scope",
  "restricted_action",
  "not_allowed_token_type",
]);

/**
 * A failed Slack call. `code` is Slack's own error string (`not_in_channel`, `invalid_auth`, …), or
 * `ratelimited`, `http_<status>`, `request_failed` or `upload_failed` for transport problems.
 * The message never contains the token.
 */
export class SlackApiError extends Error {
  readonly code: string;
  readonly method: string;
  /** Retrying the same call will fail the same way. */
  readonly permanent: boolean;

  constructor(method: string, code: string, detail?: string) {
    super(`Slack ${method} failed: ${code}${detail ? ` (${detail})` : ""}`);
    this.name = "SlackApiError";
    this.method = method;
    this.code = code;
    this.permanent = PERMANENT_CODES.has(code);
  }
}

export interface SlackClientOptions {
  /** Bot token (xoxb-…). */
  token: string;
  /** Web API base URL, ending in "/" (config.slack.apiUrl). */
  apiUrl: string;
  /** Transport-level retries of one HTTP request (5xx, network); Slack's `ok: false` is never retried. */
  retries?: number;
  /** Per-request timeout. */
  timeoutMs?: number;
  logger?: Logger;
}

function translate(method: string, error: unknown): SlackApiError {
  if (error instanceof SlackApiError) return error;
  if (error instanceof WebAPIPlatformError) return new SlackApiError(method, String(error.data.error));
  if (error instanceof WebAPIRateLimitedError)
    return new SlackApiError(method, "ratelimited", `retry after ${error.retryAfter}s`);
  if (error instanceof WebAPIHTTPError) return new SlackApiError(method, `http_${error.statusCode}`);
  if (error instanceof WebAPIRequestError)
    return new SlackApiError(method, "request_failed", error.original.message);
  // The SDK's own upload step throws plain errors ("Failed to upload file (id: …)").
  return new SlackApiError(method, "upload_failed", error instanceof Error ? error.message : String(error));
}

/** The SDK's logger interface, forwarding only warnings and errors (debug lines would echo payloads). */
function sdkLogger(logger: Logger | undefined): NonNullable<WebClientOptions["logger"]> {
  const log = logger?.child({ component: "slack" });
  const text = (msg: unknown[]) => msg.map(String).join(" ");
  return {
    debug: () => {},
    info: () => {},
    warn: (...msg: unknown[]) => log?.warn(text(msg)),
    error: (...msg: unknown[]) => log?.error(text(msg)),
    setLevel: () => {},
    getLevel: () => LogLevel.WARN,
    setName: () => {},
  };
}

interface CompletedFile {
  id?: string;
  permalink?: string;
}

/** The first file of a files.uploadV2 answer: `files[]` holds one completeUploadExternal result each. */
function firstFile(result: unknown): CompletedFile | undefined {
  const completions = (result as { files?: { files?: CompletedFile[] }[] }).files ?? [];
  return completions[0]?.files?.[0];
}

/** A thin client over the official WebClient, with few retries and errors as {@link SlackApiError}. */
export function createSlackClient(options: SlackClientOptions): SlackClient {
  const client = new WebClient(options.token, {
    slackApiUrl: options.apiUrl,
    retryConfig: { retries: options.retries ?? 2, factor: 2, minTimeout: 200, maxTimeout: 2000 },
    timeout: options.timeoutMs ?? 30_000,
    rejectRateLimitedCalls: true,
    logger: sdkLogger(options.logger),
  });
  return {
    async uploadChart(upload) {
      const result = await client.files
        .uploadV2({
          channel_id: upload.channel,
          ...(upload.threadTs ? { thread_ts: upload.threadTs } : {}),
          file: Buffer.from(upload.png.buffer, upload.png.byteOffset, upload.png.byteLength),
          filename: upload.filename,
          title: upload.title,
          initial_comment: upload.initialComment,
        } as Parameters<typeof client.files.uploadV2>[0])
        .catch((error: unknown) => {
          throw translate("files.uploadV2", error);
        });
      const file = firstFile(result);
      if (!file?.id) throw new SlackApiError("files.uploadV2", "no_file_returned");
      return { fileId: file.id, permalink: file.permalink ?? null };
    },
    async postMessage(message) {
      const result = await client.chat
        .postMessage({
          channel: message.channel,
          text: message.text,
          ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
        })
        .catch((error: unknown) => {
          throw translate("chat.postMessage", error);
        });
      if (!result.ts || !result.channel) throw new SlackApiError("chat.postMessage", "no_ts_returned");
      return { channel: result.channel, ts: result.ts };
    },
  };
}
