import { apportion } from "../allocate.ts";
import { json } from "../copy.ts";
import type { Rng } from "../random.ts";
import type { SeedContext } from "../world.ts";
import { eventbriteTitle, localTimestamp, planEventbrite, type SalesModel } from "./eventbrite-model.ts";
import { seedEventbriteOrders } from "./eventbrite-orders.ts";
import { SCENARIO_EIDS } from "./scenarios.ts";
import { at, DAY, HOUR, money, type WorldIndex } from "./shared.ts";

/** Fetch instants, oldest first: at least 6 h apart, from on-sale until a day after the show or now. */
function fetchTimes(rng: Rng, model: SalesModel, anchor: Date): Date[] {
  const afterShow = at(model.event.endsAt, rng.float(6, 30) * HOUR);
  let t = new Date(Math.min(anchor.getTime() - rng.float(0.2, 5) * HOUR, afterShow.getTime()));
  const times: Date[] = [];
  while (t >= model.onSale) {
    times.push(t);
    t = at(t, -(6 * HOUR + rng.float(0, 58) * HOUR));
  }
  times.reverse();
  const billing = at(model.event.endsAt, rng.float(2, 5) * DAY);
  if (billing < anchor) times.push(billing);
  return times;
}

/** Listing title and local start; AB4124's listing belongs to a different city and date. */
function listing(index: WorldIndex, model: SalesModel): { title: string; start: string } {
  const { event } = model;
  if (event.eid !== SCENARIO_EIDS.wrongEventbrite) {
    const start = localTimestamp(event.startsAt, event.timezone);
    return { title: eventbriteTitle(model.city, start), start };
  }
  const other = index.world.cities.find((c) => c.id !== event.cityId && c.name !== model.city);
  const wrongStart = at(event.startsAt, 23 * DAY);
  const start = localTimestamp(wrongStart, other?.timezone ?? event.timezone);
  return { title: eventbriteTitle(other?.name ?? "Portland", start), start };
}

const API_COLUMNS = [
  "id",
  "event_id",
  "eid",
  "eventbrite_id",
  "event_data",
  "ticket_classes",
  "sales_summary",
  "orders_summary",
  "total_tickets_sold",
  "gross_revenue",
  "ticket_revenue",
  "taxes_collected",
  "eventbrite_fees",
  "payment_processing_fees",
  "total_fees",
  "net_deposit",
  "total_capacity",
  "currency_code",
  "api_response_status",
  "api_response_code",
  "api_error_message",
  "data_quality_score",
  "data_quality_flags",
  "fetched_at",
  "expires_at",
  "fetch_duration_ms",
  "is_stale",
  "fetched_by",
  "fetch_reason",
  "api_version",
  "created_at",
  "eventbrite_event_name",
  "eventbrite_start_date",
] as const;

function ticketClasses(model: SalesModel, tickets: number, ended: boolean) {
  const [early, general, vip] = apportion(tickets, [20, 75, 5]);
  const classes = [
    ["Early Bird", 0.8, early ?? 0, Math.ceil(model.capacity * 0.2)],
    ["General Admission", 1, general ?? 0, Math.ceil(model.capacity * 0.75)],
    ["VIP", 1.8, vip ?? 0, Math.ceil(model.capacity * 0.05)],
  ] as const;
  return classes.map(([name, factor, sold, total]) => {
    const price = Math.round((model.priceCents * factor) / 100);
    return {
      name,
      price,
      quantity_sold: sold,
      quantity_total: Math.max(total, sold),
      ticket_revenue: sold * price,
      on_sale_status: ended ? "ENDED" : sold >= total ? "SOLD_OUT" : "AVAILABLE",
    };
  });
}

function* apiRows(rng: Rng, index: WorldIndex, models: readonly SalesModel[], anchor: Date) {
  for (const model of models) {
    const { title, start } = listing(index, model);
    const feeShare = rng.float(0.08, 0.12);
    const times = fetchTimes(rng, model, anchor);
    for (const [i, fetched] of times.entries()) {
      const last = i === times.length - 1;
      const status = last
        ? "success"
        : rng.weighted([
            ["success", 950],
            ["partial", 45],
            ["error", 5],
          ] as const);
      const failed = status === "error";
      const tickets = failed ? 0 : model.ticketsAt(fetched);
      const gross = failed ? 0 : model.grossAt(fetched);
      const fees = Math.round(gross * feeShare);
      const mismatch = !failed && rng.chance(0.03);
      const score = failed
        ? 0
        : mismatch
          ? rng.int(72, 79)
          : status === "partial"
            ? rng.int(70, 84)
            : rng.int(85, 100);
      const flags = failed ? ["NO_TICKET_CLASSES"] : mismatch ? ["REVENUE_MISMATCH"] : [];
      const ended = fetched > model.event.startsAt;
      yield [
        rng.uuid(),
        model.event.id,
        model.event.eid,
        model.eventbriteId,
        failed
          ? {}
          : {
              sales_report: {
                gross: gross / 100,
                net: (gross - fees) / 100,
                fees: fees / 100,
                quantity: tickets,
              },
            },
        json(failed ? [] : ticketClasses(model, tickets, ended)),
        { api_method: "sales_report", total_tickets: tickets, sales_report_used: !failed },
        null,
        tickets,
        money(gross),
        money(gross),
        "0.00",
        money(fees),
        "0.00",
        money(fees),
        money(gross - fees),
        model.capacity,
        model.event.currency,
        status,
        failed ? 429 : 200,
        failed ? "Eventbrite API rate limit exceeded (429 Too Many Requests)" : null,
        score,
        json(flags),
        fetched,
        at(fetched, 6 * HOUR),
        rng.int(350, 2800),
        false,
        "fetch-eventbrite-data",
        ended && i === times.length - 1 && fetched > at(model.event.endsAt, DAY)
          ? "billing"
          : rng.weighted([
              ["scheduled", 70],
              ["refresh", 15],
              ["manual", 8],
              ["mcp_refresh", 7],
            ] as const),
        "v3",
        at(fetched, rng.int(1, 30) * 1000),
        title,
        start,
      ];
    }
  }
}

/** Eventbrite caches: order timelines first (they define the charted events' curves), then api rows. */
export async function seedEventbrite(ctx: SeedContext, index: WorldIndex): Promise<void> {
  const plan = planEventbrite(ctx, index);
  await seedEventbriteOrders(ctx, index, plan.charts);
  const rng = ctx.rng("commerce:eventbrite-api-cache");
  await ctx.copy("eventbrite_api_cache", API_COLUMNS, apiRows(rng, index, plan.api, ctx.anchor));
}
