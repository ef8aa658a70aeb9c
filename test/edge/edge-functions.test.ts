import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/index.ts";
import {
  createEdgeFunctions,
  HttpEdgeFunctions,
  LocalEdgeFunctions,
  unconfiguredEdgeFunctions,
} from "../../src/edge/index.ts";
import { useTestDatabase } from "../helpers/db.ts";
import { refusalOf } from "../helpers/tools.ts";

const SERVICE_KEY = "service-role-key-for-tests-0123456789";

interface Recorded {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: unknown;
}

type Reply = (req: Recorded, res: ServerResponse) => void;

/** A local stand-in for Supabase's functions endpoint: records each request, answers as told. */
class FakeSupabase {
  readonly requests: Recorded[] = [];
  reply: Reply = (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end("{}");
  #server: Server | undefined;
  url = "";

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        const recorded = {
          method: req.method ?? "",
          path: req.url ?? "",
          headers: req.headers,
          body: text ? JSON.parse(text) : null,
        };
        this.requests.push(recorded);
        this.reply(recorded, res);
      });
    });
    this.#server = server;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise((resolve) => this.#server?.close(resolve));
  }
}

const fake = new FakeSupabase();
beforeAll(() => fake.start());
afterAll(() => fake.stop());

const client = (timeoutMs = 2000) =>
  new HttpEdgeFunctions({ supabaseUrl: fake.url, serviceRoleKey: SERVICE_KEY, timeoutMs });

describe("HttpEdgeFunctions", () => {
  it("POSTs JSON to /functions/v1/<name> with the service-role key and the idempotency key", async () => {
    fake.reply = (_req, res) =>
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ success: true, payment_id: "p-1", status: "processing" }));
    const answer = await client().invoke(
      "process-artist-payment",
      { artist_profile_id: "a-1", amount: 12.5, currency: "CAD" },
      { idempotencyKey: "arthur-approval-1" },
    );
    expect(answer).toEqual({ success: true, payment_id: "p-1", status: "processing" });
    const request = fake.requests.at(-1);
    expect(request).toMatchObject({
      method: "POST",
      path: "/functions/v1/process-artist-payment",
      body: { artist_profile_id: "a-1", amount: 12.5, currency: "CAD", idempotency_key: "arthur-approval-1" },
    });
    expect(request?.headers).toMatchObject({
      authorization: `Bearer ${SERVICE_KEY}`,
      apikey: SERVICE_KEY,
      "content-type": "application/json",
      "idempotency-key": "arthur-approval-1",
    });
  });

  it("turns a 4xx into UPSTREAM carrying the function's own error text and status", async () => {
    fake.reply = (_req, res) =>
      res
        .writeHead(400, { "content-type": "application/json" })
        .end(JSON.stringify({ success: false, error: "art_id is required" }));
    const error = await refusalOf(client().invoke("send-payment-setup-reminder", { artist_profile_id: "a" }));
    expect(error).toMatchObject({ code: "UPSTREAM", status: 502 });
    expect(error.message).toBe("Edge Function send-payment-setup-reminder answered 400: art_id is required");
    expect(error.details).toMatchObject({ function: "send-payment-setup-reminder", status: 400 });
  });

  it("turns a 5xx (even without JSON) and a 2xx without JSON into UPSTREAM", async () => {
    fake.reply = (_req, res) => res.writeHead(503, { "content-type": "text/html" }).end("<html>busy</html>");
    const down = await refusalOf(client().invoke("admin-send-invitation", {}));
    expect(down.message).toBe("Edge Function admin-send-invitation answered 503");
    fake.reply = (_req, res) => res.writeHead(200).end("ok");
    const garbled = await refusalOf(client().invoke("admin-send-invitation", {}));
    expect(garbled.message).toContain("without JSON");
  });

  it("gives up after the timeout with UPSTREAM, and reports an unreachable host", async () => {
    fake.reply = (_req, res) => {
      setTimeout(() => res.writeHead(200).end("{}"), 1500);
    };
    const started = performance.now();
    const slow = await refusalOf(client(200).invoke("process-artist-payment", {}));
    expect(slow.message).toContain("did not answer within 200 ms");
    expect(performance.now() - started).toBeLessThan(1400);
    const closed = new HttpEdgeFunctions({
      supabaseUrl: "http://127.0.0.1:9",
      serviceRoleKey: SERVICE_KEY,
      timeoutMs: 2000,
    });
    const unreachable = await refusalOf(closed.invoke("process-artist-payment", {}));
    expect(unreachable).toMatchObject({ code: "UPSTREAM" });
    expect(unreachable.message).toContain("could not be reached");
  });
});

describe("choosing the Edge Functions", () => {
  const db = useTestDatabase({ empty: true });
  const edgeConfig = (env: Record<string, string>) => loadConfig({ ...env }, { dotEnvPath: null }).edge;

  it("uses Supabase when configured, the local implementation on the embedded database, else none", () => {
    const remote = edgeConfig({
      SUPABASE_URL: "https://x.supabase.co/",
      SUPABASE_SERVICE_ROLE_KEY: SERVICE_KEY,
    });
    expect(remote.supabaseUrl).toBe("https://x.supabase.co");
    expect(createEdgeFunctions(remote, { sql: db.sql, embedded: true })).toBeInstanceOf(HttpEdgeFunctions);
    expect(createEdgeFunctions(edgeConfig({}), { sql: db.sql, embedded: true })).toBeInstanceOf(
      LocalEdgeFunctions,
    );
    expect(createEdgeFunctions(edgeConfig({}), { sql: db.sql, embedded: false })).toBe(
      unconfiguredEdgeFunctions,
    );
    expect(() => edgeConfig({ SUPABASE_URL: "https://x.supabase.co" })).toThrow(
      "SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY must be set together",
    );
  });

  it("without any, a call fails with UPSTREAM saying what to configure", async () => {
    const error = await refusalOf(unconfiguredEdgeFunctions.invoke("process-artist-payment", {}));
    expect(error).toMatchObject({ code: "UPSTREAM" });
    expect(error.message).toContain("SUPABASE_URL");
  });
});
