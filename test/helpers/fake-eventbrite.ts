import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type {
  EbAttendee,
  EbEvent,
  EbMoney,
  EbOrder,
  EbOrganization,
  EbTicketClass,
  EbUser,
  EventbriteSettings,
} from "../../src/eventbrite/index.ts";

/**
 * A local Eventbrite v3 for tests: a real HTTP server on 127.0.0.1 answering the endpoints Arthur
 * uses in Eventbrite's wire format (`/users/me/`, `/organizations/{id}/`, `/events/{id}/`,
 * `/events/{id}/orders/` with `expand=attendees`, `/events/{id}/ticket_classes/`), with
 * continuation or page pagination, Bearer-token checks answered as Eventbrite does, a record of
 * every request, and failures (status codes, delays) on demand.
 */

export interface RecordedRequest {
  method: string;
  /** Path below the API root, e.g. "/events/123/orders/". */
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
}

export interface FailureRule {
  /** Which paths (below the API root) fail; all when absent. */
  path?: string | RegExp;
  /** Answer with this status (and Eventbrite's error body); absent: only delay, then answer normally. */
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
  /** Let this many matching requests through first (e.g. fail only the second page). */
  skip?: number;
  /** How many requests it applies to (default: all). */
  times?: number;
}

export interface FakeEventInput {
  id: string;
  name: string;
  timezone: string;
  /** Wall clock, "YYYY-MM-DDTHH:MM:SS". */
  startLocal: string;
  /** "YYYY-MM-DDTHH:MM:SSZ". */
  startUtc: string;
  currency: string;
  capacity?: number | null;
  status?: string;
  organizationId?: string;
  ticketClasses?: EbTicketClass[];
  orders?: EbOrder[];
}

/** A listing the fake serves; tests may change its fields, classes and orders between calls. */
export interface FakeEvent {
  event: EbEvent;
  ticketClasses: EbTicketClass[];
  orders: EbOrder[];
}

const ERRORS: Record<number, { error: string; error_description: string }> = {
  400: { error: "BAD_REQUEST", error_description: "The request was invalid." },
  401: { error: "INVALID_AUTH", error_description: "The OAuth token you provided was invalid." },
  403: {
    error: "NOT_AUTHORIZED",
    error_description: "You do not have permission to access the resource you requested.",
  },
  404: { error: "NOT_FOUND", error_description: "The path you requested does not exist." },
  405: { error: "METHOD_NOT_ALLOWED", error_description: "This method is not allowed on this endpoint." },
  429: { error: "HIT_RATE_LIMIT", error_description: "Hit rate limit" },
  500: { error: "INTERNAL_ERROR", error_description: "An unexpected error occurred." },
  503: { error: "SERVICE_UNAVAILABLE", error_description: "The service is temporarily unavailable." },
};

/** Eventbrite's money object for an amount in minor units (two-decimal currencies). */
export function ebMoney(currency: string, minor: number): EbMoney {
  const major = `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, "0")}`;
  return { currency, value: minor, major_value: major, display: `${currency} ${major}` };
}

export interface FakeOrderInput {
  id: string;
  eventId: string;
  created: Date;
  status?: string;
  currency: string;
  buyer: { first: string; last: string; email: string };
  /** Tickets bought, by class: one attendee each. */
  tickets: { ticketClass: EbTicketClass; count: number }[];
  /** Tax in minor units (default 0). */
  taxMinor?: number;
}

/** An order as Eventbrite returns it with `expand=attendees`; fees follow a fixed, made-up tariff. */
export function fakeOrder(input: FakeOrderInput): EbOrder {
  const created = input.created.toISOString().replace(/\.\d{3}Z$/, "Z");
  const count = input.tickets.reduce((n, t) => n + t.count, 0);
  const base = input.tickets.reduce((n, t) => n + (t.ticketClass.cost?.value ?? 0) * t.count, 0);
  const eventbriteFee = Math.round(base * 0.037) + 129 * count;
  const paymentFee = Math.round((base + eventbriteFee) * 0.029);
  const tax = input.taxMinor ?? 0;
  const m = (minor: number) => ebMoney(input.currency, minor);
  let k = 0;
  const attendees: EbAttendee[] = input.tickets.flatMap((t) =>
    Array.from({ length: t.count }, () => ({
      id: `${input.id}${String(++k).padStart(3, "0")}`,
      created,
      changed: created,
      quantity: 1,
      ticket_class_id: t.ticketClass.id,
      ticket_class_name: t.ticketClass.name ?? undefined,
      status: "Attending",
      checked_in: false,
      cancelled: false,
      refunded: false,
      profile: {
        first_name: input.buyer.first,
        last_name: input.buyer.last,
        name: `${input.buyer.first} ${input.buyer.last}`,
        email: input.buyer.email,
      },
      order_id: input.id,
      event_id: input.eventId,
      costs: { base_price: m(t.ticketClass.cost?.value ?? 0) },
    })),
  );
  return {
    id: input.id,
    created,
    changed: created,
    name: `${input.buyer.first} ${input.buyer.last}`,
    first_name: input.buyer.first,
    last_name: input.buyer.last,
    email: input.buyer.email,
    status: input.status ?? "placed",
    time_remaining: null,
    event_id: input.eventId,
    resource_uri: `https://www.eventbriteapi.com/v3/orders/${input.id}/`,
    costs: {
      base_price: m(base),
      eventbrite_fee: m(eventbriteFee),
      payment_fee: m(paymentFee),
      tax: m(tax),
      gross: m(base + eventbriteFee + paymentFee + tax),
    },
    attendees,
  };
}

/** A ticket class; quantity_sold is worked out from the placed orders unless given. */
export function fakeTicketClass(
  eventId: string,
  id: string,
  name: string,
  currency: string,
  priceMinor: number,
  quantityTotal: number,
): EbTicketClass & { event_id: string } {
  return {
    id,
    event_id: eventId,
    name,
    free: priceMinor === 0,
    cost: priceMinor === 0 ? null : ebMoney(currency, priceMinor),
    quantity_total: quantityTotal,
    on_sale_status: "AVAILABLE",
  };
}

export class FakeEventbrite {
  readonly token: string;
  readonly orgId: string;
  readonly requests: RecordedRequest[] = [];
  readonly events = new Map<string, FakeEvent>();
  user: EbUser = {
    id: "1234567890",
    name: "Art Battle Ops",
    first_name: "Art Battle",
    last_name: "Ops",
    emails: [{ email: "ops@artbattle.example", verified: true, primary: true }],
  };
  organization: EbOrganization;
  /** Items per list page (Eventbrite's default is 50). */
  pageSize = 50;
  /** "continuation": pages carry a continuation token; "page": only page numbers. */
  paging: "continuation" | "page" = "continuation";
  url = "";
  #rules: FailureRule[] = [];
  #server: Server | undefined;

  constructor(options: { token?: string; orgId?: string } = {}) {
    this.token = options.token ?? "FAKEEVENTBRITETOKEN0123456789";
    this.orgId = options.orgId ?? "998877665544";
    this.organization = { id: this.orgId, name: "Art Battle International" };
  }

  /** What `createEventbriteApi` needs to talk to this fake. */
  settings(overrides: Partial<EventbriteSettings> = {}): EventbriteSettings {
    return { token: this.token, orgId: this.orgId, apiUrl: this.url, ...overrides };
  }

  addEvent(input: FakeEventInput): FakeEvent {
    const end = new Date(Date.parse(input.startUtc) + 4 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, "Z");
    const event: EbEvent = {
      id: input.id,
      name: { text: input.name, html: input.name },
      start: { timezone: input.timezone, local: input.startLocal, utc: input.startUtc },
      end: { timezone: input.timezone, local: input.startLocal, utc: end },
      status: input.status ?? "live",
      currency: input.currency,
      capacity: input.capacity ?? null,
      organization_id: input.organizationId ?? this.orgId,
      url: `https://www.eventbrite.com/e/${input.id}`,
    };
    const fake = { event, ticketClasses: input.ticketClasses ?? [], orders: input.orders ?? [] };
    this.events.set(input.id, fake);
    return fake;
  }

  /** Make matching requests fail or stall (rules apply in the order given). */
  fail(rule: FailureRule): void {
    this.#rules.push({ ...rule });
  }

  /** Forget requests and failure rules (listings stay). */
  reset(): void {
    this.requests.length = 0;
    this.#rules = [];
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      this.#handle(req, res).catch(() => res.destroy());
    });
    this.#server = server;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v3`;
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise((resolve) => this.#server?.close(resolve));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://fake");
    const path = url.pathname.replace(/^\/v3(?=\/)/, "");
    const query = Object.fromEntries(url.searchParams);
    this.requests.push({ method: req.method ?? "", path, query, authorization: req.headers.authorization });

    const rule = this.#rules.find((r) => matches(r, path) && (r.times ?? Number.POSITIVE_INFINITY) > 0);
    if (rule?.skip) {
      rule.skip--;
    } else if (rule) {
      if (rule.times !== undefined) rule.times--;
      if (rule.delayMs) await new Promise((r) => setTimeout(r, rule.delayMs));
      if (res.destroyed) return;
      if (rule.status) return send(res, rule.status, rule.body ?? errorBody(rule.status), rule.headers);
    }
    if (!url.pathname.startsWith("/v3/")) return send(res, 404, errorBody(404));
    const auth = req.headers.authorization;
    if (!auth) {
      return send(res, 401, {
        status_code: 401,
        error: "NO_AUTH",
        error_description: "An OAuth token is required for all requests",
      });
    }
    if (auth !== `Bearer ${this.token}`) return send(res, 401, errorBody(401));
    if (req.method !== "GET") return send(res, 405, errorBody(405));
    const [status, body] = this.#route(path, query);
    send(res, status, body);
  }

  #route(path: string, query: Record<string, string>): [number, unknown] {
    if (path === "/users/me/") return [200, this.user];
    const org = /^\/organizations\/([^/]+)\/$/.exec(path);
    if (org) return org[1] === this.orgId ? [200, this.organization] : [403, errorBody(403)];
    const ev = /^\/events\/([^/]+)\/(orders\/|ticket_classes\/)?$/.exec(path);
    if (!ev) return [404, errorBody(404)];
    const fake = this.events.get(decodeURIComponent(ev[1] ?? ""));
    if (!fake) {
      return [
        404,
        {
          status_code: 404,
          error: "NOT_FOUND",
          error_description: "The event you requested does not exist.",
        },
      ];
    }
    if (ev[2] === "orders/") {
      const expand = (query.expand ?? "").split(",").includes("attendees");
      const orders = fake.orders.map((o) => (expand ? o : withoutAttendees(o)));
      return [200, this.#page(orders, "orders", query)];
    }
    if (ev[2] === "ticket_classes/") return [200, this.#page(this.#classes(fake), "ticket_classes", query)];
    return [200, fake.event];
  }

  /** Ticket classes with quantity_sold counted from placed orders' attendees unless set. */
  #classes(fake: FakeEvent): EbTicketClass[] {
    return fake.ticketClasses.map((t) => ({
      ...t,
      quantity_sold:
        t.quantity_sold ??
        fake.orders
          .filter((o) => o.status === "placed")
          .flatMap((o) => o.attendees ?? [])
          .filter((a) => a.ticket_class_id === t.id && !a.cancelled && !a.refunded).length,
    }));
  }

  #page(items: readonly unknown[], key: string, query: Record<string, string>): Record<string, unknown> {
    const size = this.pageSize;
    const offset = query.continuation
      ? Number(Buffer.from(query.continuation, "base64url").toString("utf8"))
      : (Math.max(1, Number(query.page ?? 1)) - 1) * size;
    const pageCount = Math.max(1, Math.ceil(items.length / size));
    const more = offset + size < items.length;
    return {
      pagination: {
        object_count: items.length,
        page_number: Math.floor(offset / size) + 1,
        page_size: size,
        page_count: pageCount,
        has_more_items: more,
        ...(more && this.paging === "continuation"
          ? { continuation: Buffer.from(String(offset + size)).toString("base64url") }
          : {}),
      },
      [key]: items.slice(offset, offset + size),
    };
  }
}

function matches(rule: FailureRule, path: string): boolean {
  if (rule.path === undefined) return true;
  return typeof rule.path === "string" ? rule.path === path : rule.path.test(path);
}

function errorBody(status: number) {
  return {
    status_code: status,
    ...(ERRORS[status] ?? { error: "ERROR", error_description: `HTTP ${status}` }),
  };
}

function withoutAttendees(order: EbOrder): EbOrder {
  const { attendees: _, ...rest } = order;
  return rest;
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
}

/** Start a fake on a free port; stop it with `fake.stop()`. */
export async function startFakeEventbrite(
  options: { token?: string; orgId?: string } = {},
): Promise<FakeEventbrite> {
  const fake = new FakeEventbrite(options);
  await fake.start();
  return fake;
}
