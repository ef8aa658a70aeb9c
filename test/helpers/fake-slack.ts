import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A fake Slack Web API on 127.0.0.1: real HTTP, Slack's wire format (form, JSON or multipart bodies;
 * `Authorization: Bearer xoxb-…`; `{ok: true, …}` / `{ok: false, error}` with HTTP 200), for the
 * methods Arthur uses. Every call is recorded for assertions, and failures can be injected.
 *
 * Point a client at `fake.apiUrl` (SLACK_API_URL). Uploads follow Slack's external-upload flow:
 * files.getUploadURLExternal hands out an `upload_url` on this same server, the bytes are POSTed
 * there, and files.completeUploadExternal shares them in a channel.
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

export interface FakeSlackOptions {
  /** Accepted bot tokens (default ["xoxb-test-token"]). */
  tokens?: string[];
  channels?: Record<string, ChannelState>;
}

export interface FakeSlack {
  /** Base URL for SLACK_API_URL, ending in "/". */
  readonly apiUrl: string;
  readonly token: string;
  readonly calls: FakeSlackCall[];
  readonly uploads: FakeUpload[];
  readonly messages: FakeMessage[];
  /** Calls to one method, in order. */
  callsTo(method: string): FakeSlackCall[];
  /** Method names in call order (upload POSTs appear as "upload"). */
  methods(): string[];
  setChannel(channel: string, state: ChannelState): void;
  /**
   * Make the next `times` calls of `method` fail: with `{ok: false, error}` (HTTP 200) or, when
   * `status` is given, with that HTTP status. "upload" targets the upload URL.
   */
  failNext(method: string, failure: { error?: string; status?: number; times?: number }): void;
  /** Forget recorded calls, uploads, messages and pending failures. */
  reset(): void;
  close(): Promise<void>;
}

interface Failure {
  error: string;
  status: number | null;
  remaining: number;
}

type Params = Record<string, unknown>;
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

let tsCounter = 0;
const nextTs = () => `${Math.floor(Date.now() / 1000)}.${String(++tsCounter).padStart(6, "0")}`;

/** Start the fake on an ephemeral port. */
export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const tokens = options.tokens ?? ["xoxb-test-token"];
  const channels = new Map<string, ChannelState>(Object.entries(options.channels ?? {}));
  const calls: FakeSlackCall[] = [];
  const uploads: FakeUpload[] = [];
  const messages: FakeMessage[] = [];
  const failures = new Map<string, Failure>();
  let base = "";

  const channelError = (channel: unknown): string | null => {
    if (typeof channel !== "string" || channel === "") return "channel_not_found";
    const state = channels.get(channel) ?? "member";
    return state === "missing" ? "channel_not_found" : state === "not_member" ? "not_in_channel" : null;
  };

  const takeFailure = (method: string): Failure | null => {
    const failure = failures.get(method);
    if (!failure) return null;
    failure.remaining -= 1;
    if (failure.remaining <= 0) failures.delete(method);
    return failure;
  };

  const handlers: Record<string, (params: Params) => Reply> = {
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
      return ok({
        channel: message.channel,
        ts: message.ts,
        message: { text: message.text, ts: message.ts },
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
      if (!tokens.includes(token)) return send(res, fail("invalid_auth"));
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

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}/`;

  return {
    apiUrl: `${base}api/`,
    token: tokens[0] ?? "",
    calls,
    uploads,
    messages,
    callsTo: (method) => calls.filter((c) => c.method === method),
    methods: () => calls.map((c) => c.method),
    setChannel: (channel, state) => {
      channels.set(channel, state);
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
      failures.clear();
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
