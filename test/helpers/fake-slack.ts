import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * A fake Slack Web API on 127.0.0.1: real HTTP, Slack's wire format (form, JSON or multipart bodies;
 * `Authorization: Bearer xoxb-…`; `{ok: true, …}` / `{ok: false, error}` with HTTP 200), for the
 * methods Arthur uses. Every call is recorded for assertions, and failures can be injected.
 *
 * Point a client at `fake.apiUrl` (SLACK_API_URL). Uploads follow Slack's external-upload flow:
 * files.getUploadURLExternal hands out an `upload_url` on this same server, the bytes are POSTed
 * there, and files.completeUploadExternal shares them in a channel.
 *
 * Conversations are served from a store: messages seeded with `addHistory` plus everything the bot
 * posts with chat.postMessage (as user U0BOT, bot B0BOT), so conversations.history/replies answer the
 * way Slack would, newest first or oldest first, with cursors.
 */

export interface FakeSlackCall {
  method: string;
  params: Record<string, unknown>;
  /** The bearer token presented (null when none). */
  token: string | null;
  at: Date;
}

export interface FakeUpload {
  fileId: string;
  filename: string;
  /** The length files.getUploadURLExternal was told. */
  declaredLength: number;
  /** What arrived at the upload URL; null until then. */
  bytes: Buffer | null;
  /** Set by files.completeUploadExternal. */
  channel: string | null;
  title: string | null;
  initialComment: string | null;
  threadTs: string | null;
}

export interface FakeMessage {
  channel: string;
  ts: string;
  text: string;
  threadTs: string | null;
  blocks: unknown;
}

/** How the fake treats a channel id: the bot is a member (default), not a member, or it does not exist. */
export type ChannelState = "member" | "not_member" | "missing";

/** What conversations.info reports a channel as. */
export type ChannelKind = "im" | "mpim" | "channel" | "private";

export interface FakeEphemeral {
  channel: string;
  user: string;
  text: string;
  threadTs: string | null;
  blocks: unknown;
  /** The message_ts the fake answered with. */
  ts: string;
}

/** One chat.update, as sent (null where a field was left out, which keeps the old value). */
export interface FakeUpdate {
  channel: string;
  ts: string;
  text: string | null;
  blocks: unknown;
}

export interface FakeReaction {
  channel: string;
  timestamp: string;
  name: string;
}

export interface FakeView {
  userId: string;
  view: Record<string, unknown>;
  /** The view id the fake handed back (V…). */
  id: string;
}

export interface FakeThreadStatus {
  channel: string;
  threadTs: string;
  status: string;
}

export interface FakeSuggestedPrompts {
  channel: string;
  threadTs: string;
  title: string | null;
  prompts: { title: string; message: string }[];
}

export interface FakeThreadTitle {
  channel: string;
  threadTs: string;
  title: string;
}

/** A POST to a response_url handed out by `responseUrl()` (Bolt's `respond()`). */
export interface FakeResponse {
  id: string;
  body: Record<string, unknown>;
}

/** A message in the conversation store, in Slack's field names. */
export interface HistoryMessage {
  ts: string;
  text: string;
  user?: string;
  bot_id?: string;
  thread_ts?: string;
  subtype?: string;
}

export interface FakeSlackOptions {
  /** Accepted bot tokens (default ["xoxb-test-token"]). */
  tokens?: string[];
  /**
   * Accepted app-level tokens (default ["xapp-1-test-app-token"]): the only tokens apps.connections.open
   * takes, and ones every other method refuses (`not_allowed_token_type`), as Slack does.
   */
  appTokens?: string[];
  channels?: Record<string, ChannelState>;
}

export interface FakeSlack {
  /** Base URL for SLACK_API_URL, ending in "/". */
  readonly apiUrl: string;
  readonly token: string;
  /** The first accepted app-level token (xapp-…), for Socket Mode. */
  readonly appToken: string;
  readonly calls: FakeSlackCall[];
  readonly uploads: FakeUpload[];
  readonly messages: FakeMessage[];
  readonly ephemerals: FakeEphemeral[];
  readonly updates: FakeUpdate[];
  /** reactions.add calls that succeeded. */
  readonly reactions: FakeReaction[];
  /** views.publish calls that succeeded. */
  readonly views: FakeView[];
  readonly threadStatuses: FakeThreadStatus[];
  readonly suggestedPrompts: FakeSuggestedPrompts[];
  readonly threadTitles: FakeThreadTitle[];
  readonly responses: FakeResponse[];
  /** Calls to one method, in order. */
  callsTo(method: string): FakeSlackCall[];
  /** Method names in call order (upload POSTs appear as "upload"). */
  methods(): string[];
  setChannel(channel: string, state: ChannelState): void;
  /** What conversations.info says `channel` is (default from the id: D… im, G… private, else channel). */
  setChannelKind(channel: string, kind: ChannelKind): void;
  /** Seed a message for conversations.history/replies (a reply when thread_ts is set and differs from ts). */
  addHistory(channel: string, message: HistoryMessage): void;
  /** A response_url on this server; what is POSTed there lands in `responses` with this id. */
  responseUrl(id?: string): string;
  /**
   * Resolve once `predicate()` holds (checked every 10 ms); reject after `timeoutMs` with the methods
   * called so far. Arthur answers after acknowledging Slack, so tests wait for its calls.
   */
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  /**
   * Make the next `times` calls of `method` fail: with `{ok: false, error}` (HTTP 200) or, when
   * `status` is given, with that HTTP status. "upload" targets the upload URL.
   */
  failNext(method: string, failure: { error?: string; status?: number; times?: number }): void;
  /**
   * The WebSocket URL apps.connections.open hands out (a fake Socket Mode server's `url`). Until it
   * is set the method answers HTTP 500, so a Socket Mode client fails at once instead of retrying.
   * Kept across `reset()`.
   */
  setSocketUrl(url: string | null): void;
  /** Forget recorded calls, uploads, messages, everything else recorded, history, channel kinds and pending failures. */
  reset(): void;
  close(): Promise<void>;
}

interface Failure {
  error: string;
  status: number | null;
  remaining: number;
}

type Params = Record<string, unknown>;
/** The store keeps the bot's blocks too, so history shows them like Slack does. */
type StoredMessage = HistoryMessage & { blocks?: unknown };
type Reply = { status: number; body: unknown };

const ok = (body: Params): Reply => ({ status: 200, body: { ok: true, ...body } });
const fail = (error: string): Reply => ({ status: 200, body: { ok: false, error } });

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Form, JSON or multipart fields; a multipart file part comes back as a Buffer. */
async function parseParams(contentType: string, raw: Buffer): Promise<Params> {
  if (contentType.startsWith("application/json"))
    return raw.length ? (JSON.parse(raw.toString()) as Params) : {};
  if (contentType.startsWith("multipart/form-data")) {
    const form = await new Response(new Uint8Array(raw), {
      headers: { "content-type": contentType },
    }).formData();
    const params: Params = {};
    for (const [key, value] of form.entries()) {
      params[key] = typeof value === "string" ? value : Buffer.from(await value.arrayBuffer());
    }
    return params;
  }
  return Object.fromEntries(new URLSearchParams(raw.toString()));
}

/** The fields Slack's SDK sends as JSON text inside a form (arrays, objects). */
function jsonField<T>(value: unknown): T | undefined {
  if (typeof value !== "string") return value as T | undefined;
  try {
    return JSON.parse(value) as T;
  } catch {
    return undefined;
  }
}

function bearer(req: IncomingMessage, params: Params): string | null {
  const header = req.headers.authorization;
  if (header?.startsWith("Bearer ")) return header.slice("Bearer ".length);
  return typeof params.token === "string" ? params.token : null;
}

/** Slack timestamps ("1712345678.000100") compared exactly (a double would lose the last digits). */
function compareTs(a: string, b: string): number {
  const [aSec = "0", aFrac = ""] = a.split(".");
  const [bSec = "0", bFrac = ""] = b.split(".");
  const sec = BigInt(aSec) - BigInt(bSec);
  if (sec !== 0n) return sec < 0n ? -1 : 1;
  const af = aFrac.padEnd(6, "0");
  const bf = bFrac.padEnd(6, "0");
  return af < bf ? -1 : af > bf ? 1 : 0;
}

const TS = /^\d+(\.\d+)?$/;

/** Slack's cursors are opaque base64; these carry the ts of the first message of the next page. */
const encodeCursor = (ts: string) => Buffer.from(`next_ts:${ts}`).toString("base64");
function decodeCursor(cursor: unknown): string | null | undefined {
  if (cursor === undefined || cursor === "") return undefined;
  if (typeof cursor !== "string") return null;
  const text = Buffer.from(cursor, "base64").toString();
  const ts = text.startsWith("next_ts:") ? text.slice("next_ts:".length) : "";
  return TS.test(ts) ? ts : null;
}

function pageLimit(value: unknown, fallback: number): number {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

const str = (value: unknown): value is string => typeof value === "string" && value !== "";

let tsCounter = 0;
const nextTs = () => `${Math.floor(Date.now() / 1000)}.${String(++tsCounter).padStart(6, "0")}`;

/** Start the fake on an ephemeral port. */
export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const tokens = options.tokens ?? ["xoxb-test-token"];
  const appTokens = options.appTokens ?? ["xapp-1-test-app-token"];
  let socketUrl: string | null = null;
  const channels = new Map<string, ChannelState>(Object.entries(options.channels ?? {}));
  const calls: FakeSlackCall[] = [];
  const uploads: FakeUpload[] = [];
  const messages: FakeMessage[] = [];
  const ephemerals: FakeEphemeral[] = [];
  const updates: FakeUpdate[] = [];
  const reactions: FakeReaction[] = [];
  const views: FakeView[] = [];
  const threadStatuses: FakeThreadStatus[] = [];
  const suggestedPrompts: FakeSuggestedPrompts[] = [];
  const threadTitles: FakeThreadTitle[] = [];
  const responses: FakeResponse[] = [];
  const kinds = new Map<string, ChannelKind>();
  const history = new Map<string, StoredMessage[]>();
  const failures = new Map<string, Failure>();
  let base = "";

  const channelError = (channel: unknown): string | null => {
    if (typeof channel !== "string" || channel === "") return "channel_not_found";
    const state = channels.get(channel) ?? "member";
    return state === "missing" ? "channel_not_found" : state === "not_member" ? "not_in_channel" : null;
  };

  const store = (channel: string, message: StoredMessage) => {
    const list = history.get(channel) ?? [];
    list.push(message);
    history.set(channel, list);
  };

  const isReply = (m: StoredMessage) => m.thread_ts !== undefined && m.thread_ts !== m.ts;

  /** A stored message as Slack returns it; a parent with replies carries Slack's thread summary. */
  const present = (channel: string, m: StoredMessage): Params => {
    const { blocks, ...fields } = m;
    const out: Params = { type: "message", ...fields };
    if (blocks !== undefined && blocks !== null) out.blocks = blocks;
    if (!isReply(m)) {
      const replies = (history.get(channel) ?? []).filter((r) => r.thread_ts === m.ts && r.ts !== m.ts);
      if (replies.length) {
        const sorted = replies.sort((a, b) => compareTs(a.ts, b.ts));
        out.thread_ts = m.ts;
        out.reply_count = sorted.length;
        out.reply_users = [...new Set(sorted.map((r) => r.user ?? r.bot_id).filter(Boolean))];
        out.latest_reply = sorted[sorted.length - 1]?.ts;
      }
    }
    return out;
  };

  /** conversations.history/replies: Slack's exclusive oldest/latest bounds (inclusive=true includes them). */
  const bounded = (params: Params, list: StoredMessage[]): StoredMessage[] | Reply => {
    const { oldest, latest } = params;
    if (oldest !== undefined && oldest !== "" && !(typeof oldest === "string" && TS.test(oldest)))
      return fail("invalid_ts_oldest");
    if (latest !== undefined && latest !== "" && !(typeof latest === "string" && TS.test(latest)))
      return fail("invalid_ts_latest");
    const inclusive = params.inclusive === true || params.inclusive === "true" || params.inclusive === "1";
    return list.filter((m) => {
      if (str(oldest)) {
        const c = compareTs(m.ts, oldest);
        if (c < 0 || (c === 0 && !inclusive)) return false;
      }
      if (str(latest)) {
        const c = compareTs(m.ts, latest);
        if (c > 0 || (c === 0 && !inclusive)) return false;
      }
      return true;
    });
  };

  /** One page of an already ordered list; the cursor names the first ts of the next page. */
  const page = (
    channel: string,
    ordered: StoredMessage[],
    params: Params,
    defaultLimit: number,
    after: (ts: string, cursorTs: string) => boolean,
  ): Reply => {
    const cursorTs = decodeCursor(params.cursor);
    if (cursorTs === null) return fail("invalid_cursor");
    const rest = cursorTs === undefined ? ordered : ordered.filter((m) => after(m.ts, cursorTs));
    const limit = pageLimit(params.limit, defaultLimit);
    const next = rest[limit];
    return ok({
      messages: rest.slice(0, limit).map((m) => present(channel, m)),
      has_more: next !== undefined,
      response_metadata: { next_cursor: next ? encodeCursor(next.ts) : "" },
    });
  };

  const kindOf = (channel: string): ChannelKind =>
    kinds.get(channel) ?? (channel.startsWith("D") ? "im" : channel.startsWith("G") ? "private" : "channel");

  /** assistant.threads.*: channel_id and thread_ts are required. */
  const assistantThread = (params: Params): { channel: string; threadTs: string } | Reply => {
    if (!str(params.channel_id) || !str(params.thread_ts) || !TS.test(params.thread_ts))
      return fail("invalid_arguments");
    const problem = channelError(params.channel_id);
    if (problem) return fail(problem);
    return { channel: params.channel_id, threadTs: params.thread_ts };
  };
  const isReplyObject = (value: unknown): value is Reply =>
    typeof value === "object" && value !== null && "status" in value && "body" in value;

  const takeFailure = (method: string): Failure | null => {
    const failure = failures.get(method);
    if (!failure) return null;
    failure.remaining -= 1;
    if (failure.remaining <= 0) failures.delete(method);
    return failure;
  };

  const handlers: Record<string, (params: Params) => Reply> = {
    "apps.connections.open": () => {
      if (!socketUrl) throw new Error("fake Slack: apps.connections.open called before setSocketUrl()");
      return ok({ url: socketUrl });
    },
    "auth.test": () =>
      ok({
        url: "https://fake.slack.com/",
        team: "Fake",
        team_id: "T0FAKE",
        user_id: "U0BOT",
        bot_id: "B0BOT",
      }),
    "files.getUploadURLExternal": (params) => {
      const length = Number(params.length);
      if (typeof params.filename !== "string" || params.filename === "") return fail("invalid_arguments");
      if (!Number.isInteger(length) || length <= 0) return fail("invalid_arguments");
      const fileId = `F${randomBytes(5).toString("hex").toUpperCase()}`;
      uploads.push({
        fileId,
        filename: params.filename,
        declaredLength: length,
        bytes: null,
        channel: null,
        title: null,
        initialComment: null,
        threadTs: null,
      });
      return ok({ upload_url: `${base}upload/${fileId}`, file_id: fileId });
    },
    "files.completeUploadExternal": (params) => {
      const files = jsonField<{ id: string; title?: string }[]>(params.files);
      if (!Array.isArray(files) || files.length === 0) return fail("invalid_arguments");
      const channel = params.channel_id ?? params.channels;
      if (channel !== undefined) {
        const problem = channelError(channel);
        if (problem) return fail(problem);
      }
      const found = files.map((f) => uploads.find((u) => u.fileId === f.id));
      if (found.some((u) => !u || u.bytes === null)) return fail("file_not_found");
      const done = found.map((u, i) => {
        const upload = u as FakeUpload;
        upload.channel = typeof channel === "string" ? channel : null;
        upload.title = files[i]?.title ?? upload.filename;
        upload.initialComment = typeof params.initial_comment === "string" ? params.initial_comment : null;
        upload.threadTs = typeof params.thread_ts === "string" ? params.thread_ts : null;
        return {
          id: upload.fileId,
          name: upload.filename,
          title: upload.title,
          mimetype: "image/png",
          size: upload.bytes?.length ?? 0,
          permalink: `https://fake.slack.com/files/U0BOT/${upload.fileId}/${upload.filename}`,
        };
      });
      return ok({ files: done });
    },
    "chat.postMessage": (params) => {
      const problem = channelError(params.channel);
      if (problem) return fail(problem);
      if (typeof params.text !== "string" && params.blocks === undefined) return fail("no_text");
      const message: FakeMessage = {
        channel: params.channel as string,
        ts: nextTs(),
        text: typeof params.text === "string" ? params.text : "",
        threadTs: typeof params.thread_ts === "string" ? params.thread_ts : null,
        blocks: jsonField(params.blocks) ?? null,
      };
      messages.push(message);
      store(message.channel, {
        ts: message.ts,
        text: message.text,
        user: "U0BOT",
        bot_id: "B0BOT",
        ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
        blocks: message.blocks,
      });
      return ok({
        channel: message.channel,
        ts: message.ts,
        message: { text: message.text, ts: message.ts },
      });
    },
    "chat.postEphemeral": (params) => {
      const problem = channelError(params.channel);
      if (problem) return fail(problem);
      if (!str(params.user)) return fail("invalid_arguments");
      if (typeof params.text !== "string" && params.blocks === undefined) return fail("no_text");
      const ephemeral: FakeEphemeral = {
        channel: params.channel as string,
        user: params.user,
        text: typeof params.text === "string" ? params.text : "",
        threadTs: typeof params.thread_ts === "string" ? params.thread_ts : null,
        blocks: jsonField(params.blocks) ?? null,
        ts: nextTs(),
      };
      ephemerals.push(ephemeral);
      return ok({ message_ts: ephemeral.ts });
    },
    "chat.update": (params) => {
      const problem = channelError(params.channel);
      if (problem) return fail(problem);
      if (!str(params.ts)) return fail("invalid_arguments");
      if (typeof params.text !== "string" && params.blocks === undefined) return fail("no_text");
      const channel = params.channel as string;
      const ts = params.ts;
      const message = messages.find((m) => m.channel === channel && m.ts === ts);
      if (!message) {
        const stored = history.get(channel)?.find((m) => m.ts === ts);
        return fail(stored ? "cant_update_message" : "message_not_found");
      }
      const text = typeof params.text === "string" ? params.text : null;
      const blocks = params.blocks === undefined ? null : (jsonField(params.blocks) ?? null);
      updates.push({ channel, ts, text, blocks });
      // Slack keeps the old text or blocks when the update leaves that field out.
      if (text !== null) message.text = text;
      if (params.blocks !== undefined) message.blocks = blocks;
      const stored = history.get(channel)?.find((m) => m.ts === ts);
      if (stored) {
        stored.text = message.text;
        stored.blocks = message.blocks;
      }
      return ok({ channel, ts, text: message.text, message: { text: message.text, blocks: message.blocks } });
    },
    "reactions.add": (params) => {
      const problem = channelError(params.channel);
      if (problem) return fail(problem);
      if (!str(params.timestamp)) return fail("no_item_specified");
      if (!str(params.name) || !/^[a-z0-9_+'-]+(::skin-tone-[2-6])?$/.test(params.name))
        return fail("invalid_name");
      const reaction = { channel: params.channel as string, timestamp: params.timestamp, name: params.name };
      if (
        reactions.some(
          (r) =>
            r.channel === reaction.channel && r.timestamp === reaction.timestamp && r.name === reaction.name,
        )
      )
        return fail("already_reacted");
      reactions.push(reaction);
      return ok({});
    },
    "views.publish": (params) => {
      if (!str(params.user_id)) return fail("invalid_arguments");
      const view = jsonField<Record<string, unknown>>(params.view);
      if (!view || typeof view !== "object" || view.type !== "home" || !Array.isArray(view.blocks))
        return fail("invalid_arguments");
      const userId = params.user_id;
      const id =
        views.find((v) => v.userId === userId)?.id ?? `V${randomBytes(5).toString("hex").toUpperCase()}`;
      views.push({ userId, view, id });
      return ok({
        view: {
          id,
          team_id: "T0FAKE",
          app_id: "A0FAKE",
          bot_id: "B0BOT",
          type: "home",
          blocks: view.blocks,
          private_metadata: view.private_metadata ?? "",
          callback_id: view.callback_id ?? "",
          external_id: view.external_id ?? "",
          state: { values: {} },
          hash: randomBytes(6).toString("hex"),
          root_view_id: id,
          previous_view_id: null,
        },
      });
    },
    "conversations.history": (params) => {
      const problem = channelError(params.channel);
      if (problem) return fail(problem);
      const channel = params.channel as string;
      const topLevel = (history.get(channel) ?? []).filter((m) => !isReply(m));
      const inBounds = bounded(params, topLevel);
      if (!Array.isArray(inBounds)) return inBounds;
      const newestFirst = inBounds.sort((a, b) => compareTs(b.ts, a.ts));
      return page(channel, newestFirst, params, 100, (ts, cursorTs) => compareTs(ts, cursorTs) <= 0);
    },
    "conversations.replies": (params) => {
      const problem = channelError(params.channel);
      if (problem) return fail(problem);
      if (!str(params.ts) || !TS.test(params.ts)) return fail("invalid_arguments");
      const channel = params.channel as string;
      const ts = params.ts;
      const thread = (history.get(channel) ?? []).filter((m) => m.ts === ts || m.thread_ts === ts);
      if (!thread.length) return fail("thread_not_found");
      const inBounds = bounded(params, thread);
      if (!Array.isArray(inBounds)) return inBounds;
      const oldestFirst = inBounds.sort((a, b) => compareTs(a.ts, b.ts));
      return page(channel, oldestFirst, params, 1000, (t, cursorTs) => compareTs(t, cursorTs) >= 0);
    },
    "conversations.info": (params) => {
      if (!str(params.channel)) return fail("channel_not_found");
      const channel = params.channel;
      const state = channels.get(channel) ?? "member";
      if (state === "missing") return fail("channel_not_found");
      const kind = kindOf(channel);
      // Private channels made before 2021 have G… ids and report is_group instead of is_channel.
      const legacyGroup = kind === "private" && channel.startsWith("G");
      return ok({
        channel: {
          id: channel,
          ...(kind === "im" ? { user: "U0OTHER" } : { name: `chan-${channel.toLowerCase()}` }),
          is_channel: (kind === "channel" || kind === "private") && !legacyGroup,
          is_group: legacyGroup,
          is_im: kind === "im",
          is_mpim: kind === "mpim",
          is_private: kind !== "channel",
          is_member: state === "member",
          is_archived: false,
        },
      });
    },
    "assistant.threads.setStatus": (params) => {
      const thread = assistantThread(params);
      if (isReplyObject(thread)) return thread;
      // An empty status is allowed: it clears the indicator.
      if (typeof params.status !== "string") return fail("invalid_arguments");
      threadStatuses.push({ ...thread, status: params.status });
      return ok({});
    },
    "assistant.threads.setSuggestedPrompts": (params) => {
      const thread = assistantThread(params);
      if (isReplyObject(thread)) return thread;
      const prompts = jsonField<unknown>(params.prompts);
      const valid =
        Array.isArray(prompts) &&
        prompts.length > 0 &&
        prompts.length <= 4 &&
        prompts.every(
          (p) =>
            typeof p === "object" && p !== null && str((p as Params).title) && str((p as Params).message),
        );
      if (!valid) return fail("invalid_arguments");
      suggestedPrompts.push({
        ...thread,
        title: typeof params.title === "string" ? params.title : null,
        prompts: (prompts as { title: string; message: string }[]).map((p) => ({
          title: p.title,
          message: p.message,
        })),
      });
      return ok({});
    },
    "assistant.threads.setTitle": (params) => {
      const thread = assistantThread(params);
      if (isReplyObject(thread)) return thread;
      if (!str(params.title)) return fail("invalid_arguments");
      threadTitles.push({ ...thread, title: params.title });
      return ok({});
    },
    "users.info": (params) => {
      if (!str(params.user)) return fail("invalid_arguments");
      if (!/^[UW][A-Z0-9]+$/.test(params.user)) return fail("user_not_found");
      const id = params.user;
      const name = `user-${id.toLowerCase()}`;
      const realName = `User ${id}`;
      return ok({
        user: {
          id,
          team_id: "T0FAKE",
          name,
          real_name: realName,
          tz: "America/Toronto",
          tz_offset: -14400,
          is_bot: false,
          deleted: false,
          profile: { real_name: realName, display_name: name },
        },
      });
    },
  };

  const send = (res: ServerResponse, reply: Reply) => {
    res.writeHead(reply.status, { "content-type": "application/json; charset=utf-8" });
    res.end(JSON.stringify(reply.body));
  };

  /** The upload URL: Slack answers 200 with a short text body; the bytes must match the declared length. */
  const receiveUpload = async (fileId: string, contentType: string, raw: Buffer, res: ServerResponse) => {
    const upload = uploads.find((u) => u.fileId === fileId);
    const params = contentType.startsWith("multipart/form-data") ? await parseParams(contentType, raw) : {};
    const part = Object.values(params).find((v): v is Buffer => Buffer.isBuffer(v));
    const bytes = part ?? raw;
    calls.push({ method: "upload", params: { fileId, length: bytes.length }, token: null, at: new Date() });
    const failure = takeFailure("upload");
    if (failure) {
      res.writeHead(failure.status ?? 500).end(failure.error);
      return;
    }
    if (!upload || upload.bytes !== null) {
      res.writeHead(404).end("unknown or already used upload url");
      return;
    }
    if (bytes.length !== upload.declaredLength) {
      res.writeHead(400).end(`length mismatch: declared ${upload.declaredLength}, got ${bytes.length}`);
      return;
    }
    upload.bytes = bytes;
    res.writeHead(200, { "content-type": "text/plain" }).end(`OK - ${bytes.length}`);
  };

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", base);
      const raw = await readBody(req);
      const contentType = req.headers["content-type"] ?? "";
      const upload = /^\/upload\/(F[0-9A-F]+)$/.exec(url.pathname);
      if (req.method === "POST" && upload?.[1]) {
        await receiveUpload(upload[1], contentType, raw, res);
        return;
      }
      const response = /^\/response\/([\w-]+)$/.exec(url.pathname);
      if (req.method === "POST" && response?.[1]) {
        const body = await parseParams(contentType, raw);
        calls.push({ method: "response", params: body, token: null, at: new Date() });
        responses.push({ id: response[1], body });
        return send(res, ok({}));
      }
      const method = /^\/api\/([\w.]+)$/.exec(url.pathname)?.[1];
      if (req.method !== "POST" || !method) {
        res.writeHead(404).end();
        return;
      }
      const params = await parseParams(contentType, raw);
      const token = bearer(req, params);
      const { token: _dropped, ...recorded } = params;
      calls.push({ method, params: recorded, token, at: new Date() });
      if (!token) return send(res, fail("not_authed"));
      // apps.connections.open takes only an app-level token; every other method only a bot token.
      const [accepted, otherKind] =
        method === "apps.connections.open" ? [appTokens, tokens] : [tokens, appTokens];
      if (!accepted.includes(token))
        return send(res, fail(otherKind.includes(token) ? "not_allowed_token_type" : "invalid_auth"));
      const failure = takeFailure(method);
      if (failure) {
        return failure.status
          ? send(res, { status: failure.status, body: { ok: false, error: failure.error } })
          : send(res, fail(failure.error));
      }
      const handler = handlers[method];
      return send(res, handler ? handler(params) : fail("unknown_method"));
    })().catch((error: unknown) => {
      res.writeHead(500).end(String(error));
    });
  });

  const methods = () => calls.map((c) => c.method);

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}/`;

  return {
    apiUrl: `${base}api/`,
    token: tokens[0] ?? "",
    appToken: appTokens[0] ?? "",
    calls,
    uploads,
    messages,
    ephemerals,
    updates,
    reactions,
    views,
    threadStatuses,
    suggestedPrompts,
    threadTitles,
    responses,
    callsTo: (method) => calls.filter((c) => c.method === method),
    methods,
    setChannel: (channel, state) => {
      channels.set(channel, state);
    },
    setChannelKind: (channel, kind) => {
      kinds.set(channel, kind);
    },
    addHistory: (channel, message) => {
      if (!TS.test(message.ts)) throw new Error(`addHistory: "${message.ts}" is not a Slack ts`);
      store(channel, { ...message });
    },
    responseUrl: (id = randomBytes(4).toString("hex")) => `${base}response/${id}`,
    waitFor: async (predicate, timeoutMs = 5000) => {
      const deadline = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() >= deadline) {
          const seen = methods();
          throw new Error(
            `fake Slack: condition not met within ${timeoutMs} ms; calls so far: ${seen.length ? seen.join(", ") : "none"}`,
          );
        }
        await sleep(10);
      }
    },
    setSocketUrl: (url) => {
      socketUrl = url;
    },
    failNext: (method, failure) => {
      failures.set(method, {
        error: failure.error ?? "internal_error",
        status: failure.status ?? null,
        remaining: failure.times ?? 1,
      });
    },
    reset: () => {
      calls.length = 0;
      uploads.length = 0;
      messages.length = 0;
      ephemerals.length = 0;
      updates.length = 0;
      reactions.length = 0;
      views.length = 0;
      threadStatuses.length = 0;
      suggestedPrompts.length = 0;
      threadTitles.length = 0;
      responses.length = 0;
      kinds.clear();
      history.clear();
      failures.clear();
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
