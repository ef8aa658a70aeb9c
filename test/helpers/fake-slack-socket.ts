import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { type RawData, WebSocket, WebSocketServer } from "ws";

/**
 * A fake of Slack's Socket Mode side on 127.0.0.1: a real WebSocket server (the `ws` package) speaking
 * Slack's Socket Mode messages, so a real `@slack/socket-mode` client (Bolt's SocketModeReceiver)
 * connects to it and gets events from it.
 *
 * Wiring: hand `socket.url` to the fake Web API (`fake.setSocketUrl(socket.url)`); the client calls
 * apps.connections.open with its app-level token, connects to the URL it gets back, and is greeted with
 * Slack's `hello`. Envelopes are then pushed down the socket (`sendEventsApi`, `sendSlashCommand`,
 * `send`) and the client's acknowledgements (`{envelope_id, payload}`) are recorded in `acks`.
 *
 * Pings from the client are answered with pongs (ws does it by itself). Stop the client (`app.stop()`)
 * before `close()`: a client that is still running treats a dropped connection as Slack recycling it
 * and reconnects through apps.connections.open.
 */

/** One acknowledgement the client sent back. */
export interface FakeSocketAck {
  envelopeId: string;
  /** What came back with it: the response payload for a slash command, `{}` for an event. */
  payload: unknown;
  at: Date;
}

/** An envelope pushed to the client, and its acknowledgement (rejects after `ackTimeoutMs`). */
export interface SentEnvelope {
  envelopeId: string;
  ack: Promise<unknown>;
}

export interface EnvelopeOptions {
  /** Slack's redelivery count (`retry_attempt`, default 0) and why (`retry_reason`, e.g. "timeout"). */
  retryAttempt?: number;
  retryReason?: string;
}

export interface FakeSlackSocketOptions {
  /** The app id Slack reports in `hello` (default "A0FAKE", as in slack-requests.ts). */
  appId?: string;
  /** How long an envelope's `ack` waits for the client before it rejects (default 5000 ms). */
  ackTimeoutMs?: number;
}

export interface FakeSlackSocket {
  /** ws://127.0.0.1:<port>/link?ticket=… — what apps.connections.open should answer with. */
  readonly url: string;
  /** Every acknowledgement received, in order. */
  readonly acks: FakeSocketAck[];
  /** Connections accepted so far (a reconnect counts again). */
  readonly connections: number;
  /** Resolves once a client is connected and has been sent `hello`. */
  connected(): Promise<void>;
  /** An Events API envelope around `body` (an `event_callback`, object or JSON string). */
  sendEventsApi(body: object | string, options?: EnvelopeOptions): Promise<SentEnvelope>;
  /**
   * A slash command envelope; `fields` are the command's form fields (an object, or a form body such as
   * `slashCommand()` builds). Its `ack` resolves with the payload the app acknowledged with.
   */
  sendSlashCommand(fields: Record<string, string> | string): Promise<SentEnvelope>;
  /** Any other envelope (e.g. "interactive" with a block_actions payload). */
  send(
    type: string,
    payload: object,
    options?: EnvelopeOptions & { acceptsResponsePayload?: boolean },
  ): Promise<SentEnvelope>;
  /**
   * Slack's `disconnect` message (as when it recycles a connection): the client closes this connection
   * and, after a pause (its ping timeout, 5 s by default), opens a new one; `connected()` waits for it.
   */
  sendDisconnect(reason?: "warning" | "refresh_requested" | "link_disabled"): Promise<void>;
  /**
   * Close every connection (a close handshake, cut off after a second) and stop listening; pending
   * acks reject. Stop the client first, or it will try to reconnect.
   */
  close(): Promise<void>;
}

interface Pending {
  resolve: (payload: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

const json = (body: object | string): object =>
  typeof body === "string" ? (JSON.parse(body) as object) : body;

/** Start the fake on an ephemeral port. */
export async function startFakeSlackSocket(options: FakeSlackSocketOptions = {}): Promise<FakeSlackSocket> {
  const appId = options.appId ?? "A0FAKE";
  const ackTimeoutMs = options.ackTimeoutMs ?? 5000;
  const ticket = randomUUID();
  const acks: FakeSocketAck[] = [];
  const pending = new Map<string, Pending>();
  const clients = new Set<WebSocket>();
  let current: WebSocket | null = null;
  let connections = 0;
  let closed = false;
  /** Sockets that have been sent `hello` (only then does the client count itself connected). */
  const greeted = new WeakSet<WebSocket>();
  /** Waiting for the next `hello`; settled and cleared whenever one goes out. */
  let waiters: (() => void)[] = [];

  const wss = new WebSocketServer({ noServer: true });
  const server = createServer((_req, res) => {
    res.writeHead(426, { "content-type": "text/plain" }).end("Socket Mode: connect with a WebSocket\n");
  });

  const refuse = (socket: Duplex, status: string) => {
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  };

  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? "/", "ws://127.0.0.1");
    if (url.pathname !== "/link") return refuse(socket, "404 Not Found");
    // Slack's ticket comes from apps.connections.open; a URL made up elsewhere is turned away.
    if (url.searchParams.get("ticket") !== ticket) return refuse(socket, "401 Unauthorized");
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws));
  });

  function accept(ws: WebSocket) {
    connections += 1;
    clients.add(ws);
    current = ws;
    ws.on("message", (data: RawData, isBinary: boolean) => {
      if (isBinary) return;
      let message: { envelope_id?: unknown; payload?: unknown };
      try {
        message = JSON.parse(rawText(data)) as typeof message;
      } catch {
        return;
      }
      if (typeof message.envelope_id !== "string") return;
      const payload = message.payload ?? {};
      acks.push({ envelopeId: message.envelope_id, payload, at: new Date() });
      const waiting = pending.get(message.envelope_id);
      if (waiting) {
        pending.delete(message.envelope_id);
        clearTimeout(waiting.timer);
        waiting.resolve(payload);
      }
    });
    ws.on("error", () => {});
    ws.on("close", () => {
      clients.delete(ws);
      if (current === ws) current = null;
    });
    const hello = {
      type: "hello",
      num_connections: clients.size,
      debug_info: {
        host: `applink-fake-${randomBytes(4).toString("hex")}`,
        build_number: 1,
        approximate_connection_time: 18060,
      },
      connection_info: { app_id: appId },
    };
    ws.send(JSON.stringify(hello), (error) => {
      if (error) return;
      greeted.add(ws);
      if (current !== ws) return;
      const ready = waiters;
      waiters = [];
      for (const resolve of ready) resolve();
    });
  }

  const connected = (): Promise<void> => {
    if (closed) return Promise.reject(new Error("fake Slack socket: closed"));
    if (current && greeted.has(current) && current.readyState === WebSocket.OPEN) return Promise.resolve();
    return new Promise<void>((resolve) => waiters.push(resolve));
  };

  const frame = (ws: WebSocket, message: object) =>
    new Promise<void>((resolve, reject) => {
      ws.send(JSON.stringify(message), (error) => (error ? reject(error) : resolve()));
    });

  async function send(
    type: string,
    payload: object,
    opts: EnvelopeOptions & { acceptsResponsePayload?: boolean } = {},
  ): Promise<SentEnvelope> {
    await connected();
    const ws = current;
    if (!ws) throw new Error("fake Slack socket: no client connected");
    const envelopeId = randomUUID();
    const ack = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(envelopeId);
        reject(
          new Error(
            `fake Slack socket: envelope ${envelopeId} (${type}) not acknowledged within ${ackTimeoutMs} ms`,
          ),
        );
      }, ackTimeoutMs);
      timer.unref();
      pending.set(envelopeId, { resolve, reject, timer });
    });
    // A test that does not wait for the ack must not fail on an unhandled rejection.
    ack.catch(() => {});
    const envelope: Record<string, unknown> = {
      envelope_id: envelopeId,
      payload,
      type,
      accepts_response_payload: opts.acceptsResponsePayload ?? false,
    };
    if (type === "events_api") {
      envelope.retry_attempt = opts.retryAttempt ?? 0;
      envelope.retry_reason = opts.retryReason ?? "";
    }
    await frame(ws, envelope);
    return { envelopeId, ack };
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `ws://127.0.0.1:${port}/link?ticket=${ticket}&app_id=${appId}`,
    acks,
    get connections() {
      return connections;
    },
    connected,
    sendEventsApi: (body, opts) => send("events_api", json(body), opts),
    sendSlashCommand: (fields) =>
      send(
        "slash_commands",
        typeof fields === "string" ? Object.fromEntries(new URLSearchParams(fields)) : fields,
        {
          acceptsResponsePayload: true,
        },
      ),
    send,
    sendDisconnect: async (reason = "refresh_requested") => {
      await connected();
      const leaving = current;
      if (!leaving) throw new Error("fake Slack socket: no client connected");
      // From here `connected()` waits for the client's next connection.
      greeted.delete(leaving);
      await frame(leaving, {
        type: "disconnect",
        reason,
        debug_info: { host: `applink-fake-${randomBytes(4).toString("hex")}` },
      });
    },
    close: async () => {
      closed = true;
      for (const [id, waiting] of pending) {
        clearTimeout(waiting.timer);
        waiting.reject(new Error(`fake Slack socket: closed before envelope ${id} was acknowledged`));
      }
      pending.clear();
      // A close handshake where the client takes part (a stopped client is usually already closing);
      // whatever has not closed within a second is cut off.
      await Promise.all(
        [...clients].map(
          (ws) =>
            new Promise<void>((resolve) => {
              if (ws.readyState === WebSocket.CLOSED) return resolve();
              const cutOff = setTimeout(() => ws.terminate(), 1000);
              ws.once("close", () => {
                clearTimeout(cutOff);
                resolve();
              });
              if (ws.readyState === WebSocket.OPEN) ws.close(1001, "fake Slack socket closing");
            }),
        ),
      );
      clients.clear();
      current = null;
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      });
    },
  };
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString("utf8");
  return data.toString("utf8");
}
