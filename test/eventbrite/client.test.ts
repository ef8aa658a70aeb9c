import { inspect } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { EventbriteApi, ToolError } from "../../src/catalog/index.ts";
import { createEventbriteApi, type EbOrder, type EbUser } from "../../src/eventbrite/index.ts";
import {
  type FakeEventbrite,
  fakeOrder,
  fakeTicketClass,
  startFakeEventbrite,
} from "../helpers/fake-eventbrite.ts";
import { refusalOf } from "../helpers/tools.ts";

const EVENT_ID = "1981909401371";
let fake: FakeEventbrite;

beforeAll(async () => {
  fake = await startFakeEventbrite();
  const ga = fakeTicketClass(EVENT_ID, "tc-1", "General Admission", "CAD", 3500, 200);
  const orders = Array.from({ length: 7 }, (_, i) =>
    fakeOrder({
      id: `5000${i}`,
      eventId: EVENT_ID,
      created: new Date(Date.UTC(2026, 10, 1 + i, 18)),
      currency: "CAD",
      buyer: { first: "Buyer", last: `N${i}`, email: `buyer${i}@example.net` },
      tickets: [{ ticketClass: ga, count: 1 + (i % 3) }],
    }),
  );
  fake.addEvent({
    id: EVENT_ID,
    name: "Art Battle Toronto - December 5, 2026",
    timezone: "America/Toronto",
    startLocal: "2026-12-05T19:00:00",
    startUtc: "2026-12-06T00:00:00Z",
    currency: "CAD",
    capacity: 200,
    ticketClasses: [ga],
    orders,
  });
});
afterAll(() => fake.stop());
beforeEach(() => {
  fake.reset();
  fake.pageSize = 50;
  fake.paging = "continuation";
});

const api = (options: { token?: string; timeoutMs?: number } = {}): EventbriteApi => {
  const client = createEventbriteApi(fake.settings(options.token ? { token: options.token } : {}), {
    timeoutMs: options.timeoutMs ?? 2000,
  });
  if (!client) throw new Error("expected a client");
  return client;
};

/** The refusal, checked to be UPSTREAM and free of the token (message, details, inspection). */
async function upstream(call: Promise<unknown>, token = fake.token): Promise<ToolError> {
  const error = await refusalOf(call);
  expect(error.code).toBe("UPSTREAM");
  expect(error.message).not.toContain(token);
  expect(JSON.stringify(error.details ?? null)).not.toContain(token);
  expect(inspect(error, { depth: 5 })).not.toContain(token);
  return error;
}

describe("createEventbriteApi", () => {
  it("gives no client without a token, and keeps the token out of the client's inspection", () => {
    expect(createEventbriteApi({ token: undefined, orgId: "1", apiUrl: fake.url })).toBeNull();
    const client = api();
    expect(client.orgId).toBe(fake.orgId);
    expect(inspect(client, { depth: 5, showHidden: true })).not.toContain(fake.token);
    expect(JSON.stringify(client)).not.toContain(fake.token);
  });
});

describe("get", () => {
  it("sends the token as a Bearer header and returns Eventbrite's JSON", async () => {
    const me = await api().get<EbUser>("/users/me/");
    expect(me).toEqual(fake.user);
    expect(fake.requests).toEqual([
      { method: "GET", path: "/users/me/", query: {}, authorization: `Bearer ${fake.token}` },
    ]);
  });

  it("passes the query and keeps one already in the path", async () => {
    await api().get(`/events/${EVENT_ID}/orders/?expand=attendees`, { page: "1" });
    expect(fake.requests[0]?.query).toEqual({ expand: "attendees", page: "1" });
  });
});

describe("getAll", () => {
  it("follows continuation tokens until has_more_items is false", async () => {
    fake.pageSize = 3;
    const all = await api().getAll<EbOrder>(`/events/${EVENT_ID}/orders/`, "orders", {
      query: { expand: "attendees" },
    });
    const served = fake.events.get(EVENT_ID)?.orders ?? [];
    expect(all).toMatchObject({ pages: 3, complete: true });
    expect(all.items.map((o) => o.id)).toEqual(served.map((o) => o.id));
    expect(all.items[0]?.attendees?.length).toBe(served[0]?.attendees?.length);
    expect(fake.requests.map((r) => r.query.expand)).toEqual(["attendees", "attendees", "attendees"]);
    expect(fake.requests[0]?.query.continuation).toBeUndefined();
    expect(fake.requests[1]?.query.continuation).toBeTruthy();
    expect(fake.requests[2]?.query.continuation).not.toBe(fake.requests[1]?.query.continuation);
    expect(fake.requests.some((r) => r.query.page !== undefined)).toBe(false);
  });

  it("falls back to page numbers when Eventbrite gives no continuation", async () => {
    fake.pageSize = 3;
    fake.paging = "page";
    const all = await api().getAll<EbOrder>(`/events/${EVENT_ID}/orders/`, "orders");
    expect(all).toMatchObject({ pages: 3, complete: true });
    expect(all.items).toHaveLength(fake.events.get(EVENT_ID)?.orders.length ?? -1);
    expect(fake.requests.map((r) => r.query.page)).toEqual([undefined, "2", "3"]);
  });

  it("stops at maxPages and says the list is incomplete", async () => {
    fake.pageSize = 2;
    const all = await api().getAll<EbOrder>(`/events/${EVENT_ID}/orders/`, "orders", { maxPages: 2 });
    expect(all).toMatchObject({ pages: 2, complete: false });
    expect(all.items).toHaveLength(4);
    expect(fake.requests).toHaveLength(2);
  });

  it("reads a single page as complete", async () => {
    const classes = await api().getAll(`/events/${EVENT_ID}/ticket_classes/`, "ticket_classes");
    expect(classes).toMatchObject({ pages: 1, complete: true });
    expect(classes.items).toHaveLength(1);
  });

  it("refuses an answer without the expected list", async () => {
    const error = await upstream(api().getAll(`/events/${EVENT_ID}/orders/`, "attendees"));
    expect(error.message).toContain('"attendees"');
  });
});

describe("failures", () => {
  it("401: names EB_PRIVATE_TOKEN and never the token sent", async () => {
    const wrong = "WRONGTOKEN-abcdefghijklmnop";
    const error = await upstream(api({ token: wrong }).get("/users/me/"), wrong);
    expect(error.message).toContain("Eventbrite rejected the token (check EB_PRIVATE_TOKEN)");
    expect(error.message).toContain("INVALID_AUTH");
    expect(error.details).toMatchObject({ status: 401 });
  });

  it("403: the same advice", async () => {
    fake.fail({ path: "/users/me/", status: 403 });
    const error = await upstream(api().get("/users/me/"));
    expect(error.message).toContain("check EB_PRIVATE_TOKEN");
    expect(error.details).toMatchObject({ status: 403 });
  });

  it("429: says when to retry", async () => {
    fake.fail({ path: /orders/, status: 429, headers: { "retry-after": "30" } });
    const error = await upstream(api().getAll(`/events/${EVENT_ID}/orders/`, "orders"));
    expect(error.message).toContain("rate limit");
    expect(error.message).toContain("retry after 30 s");
    expect(error.details).toMatchObject({ status: 429, retryAfterSeconds: 30 });
  });

  it("500 and 404: carry Eventbrite's error_description", async () => {
    fake.fail({ path: "/users/me/", status: 500, times: 1 });
    const failed = await upstream(api().get("/users/me/"));
    expect(failed.message).toContain("500");
    expect(failed.message).toContain("An unexpected error occurred.");
    const missing = await upstream(api().get("/events/424242/"));
    expect(missing.message).toContain("404");
    expect(missing.message).toContain("The event you requested does not exist.");
  });

  it("a failure on a later page fails the whole list", async () => {
    fake.pageSize = 3;
    fake.fail({ path: /orders/, status: 503, skip: 1 });
    const error = await upstream(api().getAll(`/events/${EVENT_ID}/orders/`, "orders"));
    expect(error.message).toContain("503");
    expect(fake.requests).toHaveLength(2);
  });

  it("blanks the token should Eventbrite ever echo it", async () => {
    fake.fail({
      path: "/users/me/",
      status: 400,
      body: { status_code: 400, error: "ARGUMENTS_ERROR", error_description: `bad token ${fake.token}` },
    });
    const error = await upstream(api().get("/users/me/"));
    expect(error.message).toContain("bad token ***");
  });

  it("a slow answer times out", async () => {
    fake.fail({ path: "/users/me/", delayMs: 1000 });
    const error = await upstream(api({ timeoutMs: 100 }).get("/users/me/"));
    expect(error.message).toContain("did not answer GET /users/me/ within 100 ms");
    expect(error.details).toMatchObject({ reason: "timeout" });
  });

  it("an unreachable server", async () => {
    const gone = await startFakeEventbrite();
    await gone.stop();
    const client = createEventbriteApi(gone.settings(), { timeoutMs: 2000 });
    const error = await upstream(client?.get("/users/me/") ?? Promise.resolve(), gone.token);
    expect(error.message).toContain("could not be reached");
  });

  it("a 200 whose body is not a JSON object", async () => {
    fake.fail({ path: "/users/me/", status: 200, body: "not an object" });
    const error = await upstream(api().get("/users/me/"));
    expect(error.message).toContain("no JSON");
  });
});
