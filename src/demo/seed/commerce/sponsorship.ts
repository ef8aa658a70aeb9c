import { json } from "../copy.ts";
import type { Rng } from "../random.ts";
import type { SeedContext, WorldEvent } from "../world.ts";
import {
  at,
  cityName,
  DAY,
  HOUR,
  hex,
  money,
  nicePrice,
  notAfter,
  STAFF,
  token,
  type WorldIndex,
} from "./shared.ts";

/** name, category, USD list price, benefits. */
const PACKAGES = [
  ["Title Sponsor", "main", 5000, ["Naming rights", "Logo on all screens", "10 VIP tickets"]],
  ["Round Sponsor", "main", 2000, ["Round named after you", "Logo on screen during the round", "4 tickets"]],
  ["Easel Sponsor", "main", 800, ["Logo on one easel", "2 tickets"]],
  ["Season Package", "main", 1500, ["Logo at every show of the season", "Social media thank-you"]],
  ["Bar Sponsor", "addon", 500, ["Branded bar signage"]],
  ["Social Media Boost", "addon", 300, ["Two sponsored posts"]],
] as const;

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ".")
    .replace(/^\.|\.$/g, "");
}

function sponsorEvents(index: WorldIndex, anchor: Date): WorldEvent[] {
  return index.eventsByStart.filter(
    (e) =>
      e.cityId &&
      e.startsAt.getTime() >= anchor.getTime() - 90 * DAY &&
      e.startsAt.getTime() <= anchor.getTime() + 120 * DAY,
  );
}

interface Invite {
  id: string;
  event: WorldEvent;
  name: string;
  email: string;
  company: string;
  discount: number;
  views: number;
  created: Date;
}

function invites(ctx: SeedContext, index: WorldIndex, rng: Rng): Invite[] {
  const events = sponsorEvents(index, ctx.anchor);
  const out: Invite[] = [];
  const target = ctx.count(60, 3);
  while (out.length < target && events.length > 0) {
    const event = rng.pick(events);
    const first = rng.faker.person.firstName();
    const last = rng.faker.person.lastName();
    const company = rng.faker.company.name();
    const created = at(event.startsAt, -rng.int(10, 80) * DAY);
    if (created > ctx.anchor) continue;
    out.push({
      id: rng.uuid(),
      event,
      name: `${first} ${last}`,
      email: `${slug(first)}.${slug(last)}@example.com`,
      company,
      discount: rng.pick([0, 0, 5, 10, 15, 20]),
      views: rng.weighted([
        [0, 3],
        [1, 2],
        [rng.int(2, 12), 3],
      ] as const),
      created,
    });
  }
  return out;
}

export async function seedSponsorship(ctx: SeedContext, index: WorldIndex): Promise<void> {
  const rng = ctx.rng("commerce:sponsorship");
  const packageIds = PACKAGES.map(() => rng.uuid());
  const catalogueStart = at(ctx.anchor, -420 * DAY);
  await ctx.copy(
    "sponsorship_package_templates",
    [
      "id",
      "name",
      "description",
      "category",
      "base_price",
      "currency",
      "benefits",
      "is_active",
      "display_order",
      "created_at",
      "updated_at",
    ],
    PACKAGES.map(([name, category, price, benefits], i) => [
      packageIds[i],
      name,
      `${name}: ${benefits.join(", ")}`,
      category,
      money(price * 100),
      "USD",
      json(benefits),
      true,
      i,
      catalogueStart,
      catalogueStart,
    ]),
  );
  const all = invites(ctx, index, rng);
  await ctx.copy(
    "sponsorship_invites",
    [
      "id",
      "event_id",
      "hash",
      "prospect_name",
      "prospect_email",
      "prospect_company",
      "discount_percent",
      "valid_until",
      "max_uses",
      "use_count",
      "notes",
      "created_by",
      "created_at",
      "last_viewed_at",
      "view_count",
      "skip_multi_event",
    ],
    all.map((inv) => {
      const lastView = inv.views > 0 ? at(inv.created, rng.int(2, 240) * HOUR) : null;
      return [
        inv.id,
        inv.event.id,
        token(rng, 16),
        inv.name,
        inv.email,
        inv.company,
        money(inv.discount * 100),
        inv.event.startsAt,
        1,
        0,
        rng.chance(0.4)
          ? `Met at ${cityName(index, inv.event)} show; interested in ${rng.pick(PACKAGES)[0]}`
          : null,
        rng.pick(STAFF.admins),
        inv.created,
        lastView && lastView < ctx.anchor ? lastView : null,
        lastView && lastView < ctx.anchor ? inv.views : 0,
        rng.chance(0.2),
      ];
    }),
  );
  const buyers = rng.sample(
    all.filter((inv) => inv.views > 0),
    ctx.count(12, 1),
  );
  await ctx.copy(
    "sponsorship_purchases",
    [
      "id",
      "event_id",
      "invite_id",
      "stripe_payment_intent_id",
      "stripe_checkout_session_id",
      "buyer_name",
      "buyer_email",
      "buyer_company",
      "buyer_phone",
      "main_package_id",
      "addon_package_ids",
      "package_details",
      "subtotal",
      "discount_percent",
      "discount_amount",
      "tax_amount",
      "total_amount",
      "currency",
      "logo_url",
      "logo_cloudflare_id",
      "logo_uploaded_at",
      "payment_status",
      "fulfillment_status",
      "created_at",
      "paid_at",
      "updated_at",
      "fulfillment_hash",
    ],
    buyers.map((inv, i) => {
      const main = rng.int(0, 3);
      const addon = rng.chance(0.5) ? 4 + rng.int(0, 1) : null;
      const currency = inv.event.currency;
      const subtotal =
        nicePrice(PACKAGES[main]?.[2] ?? 1000, currency) +
        (addon === null ? 0 : nicePrice(PACKAGES[addon]?.[2] ?? 300, currency));
      const discount = Math.round((subtotal * inv.discount) / 100);
      const tax = currency === "CAD" ? Math.round((subtotal - discount) * 0.13) : 0;
      const created = at(inv.created, rng.int(1, 14) * DAY);
      const when = created < ctx.anchor ? created : at(ctx.anchor, -HOUR);
      const status =
        i === 0 && buyers.length > 3 ? "pending" : i === 1 && buyers.length > 6 ? "refunded" : "paid";
      const paid = status !== "pending";
      const logo = paid && rng.chance(0.7);
      return [
        rng.uuid(),
        inv.event.id,
        inv.id,
        `pi_${token(rng, 24)}`,
        `cs_live_${token(rng, 40)}`,
        inv.name,
        inv.email,
        inv.company,
        null,
        packageIds[main],
        addon === null ? [] : [packageIds[addon]],
        {
          main: { name: PACKAGES[main]?.[0], price: money(nicePrice(PACKAGES[main]?.[2] ?? 1000, currency)) },
          addons: addon === null ? [] : [{ name: PACKAGES[addon]?.[0] }],
          event_eid: inv.event.eid,
        },
        money(subtotal),
        money(inv.discount * 100),
        money(discount),
        money(tax),
        money(subtotal - discount + tax),
        currency,
        logo ? `https://images.example.org/sponsors/${hex(rng, 12)}.png` : null,
        logo ? hex(rng, 24) : null,
        logo ? notAfter(at(when, rng.int(1, 48) * HOUR), ctx.anchor) : null,
        status,
        status === "paid" ? rng.pick(["pending", "in_progress", "completed"]) : "pending",
        when,
        paid ? notAfter(at(when, rng.int(1, 30) * 60_000), ctx.anchor) : null,
        when,
        hex(rng, 64),
      ];
    }),
  );
}
