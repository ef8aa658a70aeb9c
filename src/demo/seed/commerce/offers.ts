import type { CopyValue } from "../copy.ts";
import type { SeedContext } from "../world.ts";
import { at, DAY, hex, MINUTE, type WorldIndex } from "./shared.ts";

/** Name, type, value, currency, description: the promo catalogue shown to app users. */
const CATALOGUE = [
  ["$50 Auction Credit", "auction_credit", "50.00", "CAD", "Take $50 off any painting you win tonight."],
  ["Free Drink at the Bar", "offer", null, "CAD", "Show this screen at the bar for one free drink."],
  [
    "Meet the Champion",
    "experience",
    null,
    "USD",
    "Join the season champion backstage after the final round.",
  ],
  ["15% Off Merch", "discount", "15.00", "USD", "15% off shirts, totes and prints at the merch table."],
  ["Art Battle Tote Bag", "merchandise", "25.00", "CAD", "A limited-edition tote bag, while supplies last."],
  ["VIP Upgrade", "ticket", "20.00", "USD", "Upgrade your ticket to VIP seating by the easels."],
  ["Early Access to Tickets", "offer-new", null, "CAD", "Buy tickets 48 hours before the public sale."],
  ["$25 Auction Credit", "auction_credit", "25.00", "USD", "Take $25 off any painting you win tonight."],
  ["Studio Visit", "experience", null, "CAD", "Spend an afternoon in a local painter's studio."],
  ["10% Off Your Next Ticket", "discount", "10.00", "GBP", "10% off your next Art Battle ticket."],
  [
    "Limited Print Giveaway",
    "merchandise",
    null,
    "AUD",
    "Enter to win a signed print from tonight's winner.",
  ],
  ["Bring a Friend", "ticket", "0.00", "USD", "Two tickets for the price of one on weeknight shows."],
] as const;

const COLORS = ["#E94E3C", "#1F6FEB", "#2DA44E", "#8250DF", "#BF8700", "#D63384"];

export async function seedOffers(ctx: SeedContext, index: WorldIndex): Promise<void> {
  const rng = ctx.rng("commerce:offers");
  const offers = CATALOGUE.slice(0, ctx.count(CATALOGUE.length, 4)).map(
    ([name, type, value, currency, description], i) => {
      const active = i % 4 !== 3;
      const start = at(ctx.anchor, -rng.int(30, 300) * DAY);
      const end = active ? at(ctx.anchor, rng.int(10, 120) * DAY) : at(ctx.anchor, -rng.int(1, 25) * DAY);
      const scope =
        i % 3 === 0
          ? []
          : i % 3 === 1
            ? rng.sample(index.world.cities, 2).map((c) => c.name)
            : rng.sample(index.world.cities, 3).map((c) => c.id);
      return {
        id: rng.uuid(),
        name,
        type,
        value,
        currency,
        description,
        active,
        start,
        end,
        scope,
        inventory: rng.chance(0.7) ? rng.int(4, 50) * 10 : null,
        i,
      };
    },
  );
  const redemptionRng = ctx.rng("commerce:offer-redemptions");
  const users = index.emailable;
  const perOffer = new Map<string, CopyValue[][]>();
  const target = ctx.count(200, 4);
  for (let n = 0; n < target * 3 && users.length > 0; n++) {
    const total = [...perOffer.values()].reduce((s, r) => s + r.length, 0);
    if (total >= target) break;
    const offer = redemptionRng.pick(offers);
    const rows = perOffer.get(offer.id) ?? [];
    if (offer.inventory !== null && rows.length >= offer.inventory) continue;
    const user = redemptionRng.pick(users);
    if (rows.some((r) => r[2] === user.id)) continue;
    const until = Math.min(offer.end.getTime(), ctx.anchor.getTime() - MINUTE);
    const when = new Date(offer.start.getTime() + redemptionRng.next() * (until - offer.start.getTime()));
    rows.push([
      redemptionRng.uuid(),
      offer.id,
      user.id,
      user.email,
      redemptionRng.code(8),
      "redeemed",
      { redeemed_via: "promo_page", user_hash: hex(redemptionRng, 12), user_name: user.firstName ?? null },
      when,
      when,
    ]);
    perOffer.set(offer.id, rows);
  }
  await ctx.copy(
    "offers",
    [
      "id",
      "name",
      "description",
      "terms",
      "type",
      "value",
      "currency",
      "geography_scope",
      "min_recency_score",
      "max_recency_score",
      "min_frequency_score",
      "max_frequency_score",
      "min_monetary_score",
      "max_monetary_score",
      "rfm_segments",
      "total_inventory",
      "redeemed_count",
      "active",
      "start_date",
      "end_date",
      "display_order",
      "tile_color",
      "image_url",
      "redemption_link",
      "redemption_message",
      "created_at",
      "updated_at",
    ],
    offers.map((o) => [
      o.id,
      o.name,
      o.description,
      "One per person. Cannot be combined with other offers. No cash value.",
      o.type,
      o.value,
      o.currency,
      o.scope,
      0,
      5,
      o.i % 2 === 0 ? 0 : 2,
      5,
      0,
      5,
      null,
      o.inventory,
      perOffer.get(o.id)?.length ?? 0,
      o.active,
      o.start,
      o.end,
      0,
      COLORS[o.i % COLORS.length],
      `https://images.example.org/offers/${o.name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}.jpg`,
      o.type === "ticket" || o.type === "offer-new" ? "https://artb.art/tickets" : null,
      "Show this screen to a volunteer at the merch table.",
      at(o.start, -rng.int(1, 10) * DAY),
      at(o.start, -rng.int(0, 24) * 3_600_000),
    ]),
  );
  await ctx.copy(
    "offer_redemptions",
    [
      "id",
      "offer_id",
      "user_id",
      "user_email",
      "redemption_code",
      "status",
      "metadata",
      "redeemed_at",
      "created_at",
    ],
    offers.flatMap((o) => perOffer.get(o.id) ?? []),
  );
}
