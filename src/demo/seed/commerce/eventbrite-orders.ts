import { type CopyValue, json } from "../copy.ts";
import type { Rng } from "../random.ts";
import type { SeedContext, WorldPerson } from "../world.ts";
import type { SalesModel } from "./eventbrite-model.ts";
import { at, DAY, HOUR, MINUTE, money, type WorldIndex } from "./shared.ts";

interface Order {
  created: Date;
  tickets: number;
  status: "Attending" | "placed" | "Deleted";
  ticketClass: string;
  unitCents: number;
}

const WINDOW_DAYS = 45;

/** Sales window in days: 45, stretched for a show so far ahead that it would have no orders yet. */
function windowDays(model: SalesModel, anchor: Date): number {
  return Math.max(WINDOW_DAYS, (model.event.startsAt.getTime() - anchor.getTime()) / DAY + 14);
}

/** Orders over the 45 days before the show: an early-bird cluster, then sales that accelerate. */
function drawOrders(rng: Rng, model: SalesModel, window: number): Order[] {
  const orders: Order[] = [];
  let tickets = 0;
  const cap = Math.min(400, Math.max(100, Math.round(model.finalTickets / 1.45)));
  while (orders.length < cap && (tickets < model.finalTickets || orders.length < 100)) {
    const early = rng.chance(0.12);
    const daysBefore = early ? rng.float(window - 15, window) : Math.max(0.04, window * rng.next() ** 2.2);
    const count = rng.weighted([
      [1, 60],
      [2, 30],
      [3, 6],
      [4, 4],
    ] as const);
    const vip = rng.chance(0.05);
    const ticketClass = vip ? "VIP" : daysBefore > window - 15 ? "Early Bird" : "General Admission";
    const factor = vip ? 1.8 : daysBefore > window - 15 ? 0.8 : 1;
    orders.push({
      created: at(model.event.startsAt, -daysBefore * DAY),
      tickets: count,
      status: rng.weighted([
        ["Attending", 88],
        ["placed", 8],
        ["Deleted", 4],
      ] as const),
      ticketClass,
      unitCents: Math.round((model.priceCents * factor) / 100) * 100,
    });
    tickets += count;
  }
  return orders.sort((a, b) => a.created.getTime() - b.created.getTime());
}

function fees(order: Order): { base: number; eventbrite: number; payment: number; gross: number } {
  const base = order.unitCents * order.tickets;
  const eventbrite = Math.round(base * 0.065 + 99 * order.tickets);
  const payment = Math.round((base + eventbrite) * 0.029);
  return { base, eventbrite, payment, gross: base + eventbrite + payment };
}

/** Make the api-cache curve of a charted event follow its real (seeded) orders. */
function bindTimeline(model: SalesModel, orders: readonly Order[]): void {
  const counted = orders.filter((o) => o.status !== "Deleted");
  const times = counted.map((o) => o.created.getTime());
  const cumTickets: number[] = [];
  const cumGross: number[] = [];
  let t = 0;
  let g = 0;
  for (const order of counted) {
    t += order.tickets;
    g += fees(order).gross;
    cumTickets.push(t);
    cumGross.push(g);
  }
  const upTo = (when: Date) => {
    let lo = 0;
    let hi = times.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((times[mid] ?? 0) <= when.getTime()) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  model.ticketsAt = (when) => {
    const n = upTo(when);
    return n === 0 ? 0 : (cumTickets[n - 1] ?? 0);
  };
  model.grossAt = (when) => {
    const n = upTo(when);
    return n === 0 ? 0 : (cumGross[n - 1] ?? 0);
  };
  model.finalTickets = t;
}

function buyer(rng: Rng, pool: readonly WorldPerson[]) {
  const person = pool.length > 0 && rng.chance(0.8) ? rng.pick(pool) : null;
  const first = person?.firstName ?? rng.faker.person.firstName();
  const last = person?.lastName ?? rng.faker.person.lastName();
  const email =
    person?.email ??
    `${first}.${last}${rng.int(1, 999)}@example.net`.toLowerCase().replace(/[^a-z0-9.@]/g, "");
  return { first, last, email };
}

export const ORDER_COLUMNS = [
  "id",
  "event_id",
  "eid",
  "eventbrite_event_id",
  "order_id",
  "resource_uri",
  "order_created",
  "order_changed",
  "buyer_name",
  "buyer_first_name",
  "buyer_last_name",
  "buyer_email",
  "order_status",
  "base_price",
  "tax",
  "eventbrite_fee",
  "payment_fee",
  "gross",
  "currency_code",
  "fee_components",
  "attendees",
  "attendee_count",
  "fetched_at",
  "fetched_by",
  "created_at",
  "updated_at",
] as const;

/** Seed order timelines (only orders already placed by the anchor) and bind the charts' api-cache curves. */
export async function seedEventbriteOrders(
  ctx: SeedContext,
  index: WorldIndex,
  charts: readonly SalesModel[],
): Promise<void> {
  const rng = ctx.rng("commerce:eventbrite-orders");
  const rows: CopyValue[][] = [];
  charts.forEach((model, eventSeq) => {
    const orders = drawOrders(rng, model, windowDays(model, ctx.anchor)).filter(
      (o) => o.created < ctx.anchor,
    );
    bindTimeline(model, orders);
    const pool = index.emailable.filter((p) => p.cityId === model.event.cityId);
    const fetchedAt = new Date(
      Math.min(ctx.anchor.getTime() - rng.int(5, 300) * MINUTE, model.event.endsAt.getTime() + DAY),
    );
    orders.forEach((order, i) => {
      const who = buyer(rng, pool);
      const cost = fees(order);
      const orderId = String(8_100_000_000 + eventSeq * 1_000_000 + i * 7 + rng.int(0, 6));
      const changed = order.status === "Deleted" ? at(order.created, rng.int(1, 96) * HOUR) : order.created;
      const attendees = Array.from({ length: order.tickets }, (_, k) => ({
        id: `${orderId}${String(k + 1).padStart(3, "0")}`,
        ticket_class_name: order.ticketClass,
        status: order.status === "Deleted" ? "Deleted" : "Attending",
        checked_in: model.event.startsAt < ctx.anchor && order.status === "Attending" && rng.chance(0.85),
        profile: k === 0 ? { first_name: who.first, last_name: who.last } : {},
      }));
      rows.push([
        rng.uuid(),
        model.event.id,
        model.event.eid,
        model.eventbriteId,
        orderId,
        `https://www.eventbriteapi.com/v3/orders/${orderId}/`,
        order.created,
        changed < ctx.anchor ? changed : order.created,
        `${who.first} ${who.last}`,
        who.first,
        who.last,
        who.email,
        order.status,
        money(cost.base),
        "0.00",
        money(cost.eventbrite),
        money(cost.payment),
        money(cost.gross),
        model.event.currency,
        json([
          { name: "eventbrite.service_fee", value: cost.eventbrite },
          { name: "eventbrite.payment_fee", value: cost.payment },
        ]),
        json(attendees),
        order.tickets,
        fetchedAt < order.created ? order.created : fetchedAt,
        "mcp-refresh",
        fetchedAt < order.created ? order.created : fetchedAt,
        fetchedAt < order.created ? order.created : fetchedAt,
      ]);
    });
  });
  await ctx.copy("eventbrite_orders_cache", ORDER_COLUMNS, rows);
}
