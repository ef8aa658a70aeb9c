import { type CopyValue, json } from "../copy.ts";
import type { SeedContext } from "../world.ts";
import { RULES } from "./linter-rules.ts";
import { at, DAY, pastWithin, upcoming, type WorldIndex } from "./shared.ts";

export async function seedLinterRules(ctx: SeedContext): Promise<void> {
  const rng = ctx.rng("commerce:linter-rules");
  const created = at(ctx.anchor, -160 * DAY);
  await ctx.copy(
    "event_linter_rules",
    [
      "id",
      "rule_id",
      "name",
      "description",
      "severity",
      "category",
      "context",
      "conditions",
      "message",
      "status",
      "hit_count",
      "created_at",
      "updated_at",
    ],
    RULES.map(([id, name, severity, category, context, message, conditions], i) => {
      const inactive =
        id === "live_low_vote_turnout" || id === "no_photos_after_event" || id === "meta_ads_overspend";
      return [
        rng.uuid(),
        id,
        name,
        `${name}. Evaluated on ${context.replace("_", "-")} events.`,
        severity,
        category,
        context,
        json(conditions),
        message,
        inactive ? "inactive" : "active",
        inactive ? rng.int(0, 40) : rng.int(0, 900),
        at(created, i * 3_600_000),
        at(created, rng.int(1, 150) * DAY),
      ];
    }),
  );
}

/** A handful of producer suppressions: noisy rules silenced for one event, artist or city. */
export async function seedLinterSuppressions(ctx: SeedContext, index: WorldIndex): Promise<void> {
  const rng = ctx.rng("commerce:linter-suppressions");
  const soon = upcoming(index).slice(0, 20);
  const recent = pastWithin(index, 60);
  const rows: CopyValue[][] = [];
  const seen = new Set<string>();
  const target = ctx.count(15, 3);
  for (let n = 0; n < target * 4 && rows.length < target; n++) {
    const kind = rng.weighted([
      ["event", 6],
      ["city", 2],
      ["artist", 2],
    ] as const);
    const rule =
      kind === "artist"
        ? "artist_payment_overdue"
        : kind === "city"
          ? "city_very_strong_event_no_booking"
          : rng.pick([
              "advertising_budget_not_set_info",
              "missing_venue",
              "eventbrite_not_linked",
              "event_info_not_approved",
            ]);
    const event = kind === "event" && soon.length > 0 ? rng.pick(soon) : null;
    const city = kind === "city" && index.world.cities.length > 0 ? rng.pick(index.world.cities) : null;
    const artist =
      kind === "artist" && recent.length > 0
        ? (index.world.contestantsByEvent.get(rng.pick(recent).id) ?? [])[0]
        : undefined;
    const key = `${rule}|${event?.id}|${artist}|${city?.id}`;
    if ((!event && !city && !artist) || seen.has(key)) continue;
    seen.add(key);
    const createdAt = at(ctx.anchor, -rng.int(1, 40) * DAY);
    rows.push([
      rng.uuid(),
      rule,
      event?.id ?? null,
      artist ?? null,
      city?.id ?? null,
      null,
      rng.chance(0.6) ? at(ctx.anchor, rng.int(3, 60) * DAY) : null,
      rng.pick([
        "Producer confirmed, handled offline",
        "Known: venue TBD until contract signed",
        "Artist paid in cash at the show",
        "City on hiatus this season",
      ]),
      createdAt,
      createdAt,
    ]);
  }
  await ctx.copy(
    "linter_suppressions",
    [
      "id",
      "rule_id",
      "event_id",
      "artist_id",
      "city_id",
      "suppressed_by",
      "suppressed_until",
      "reason",
      "created_at",
      "updated_at",
    ],
    rows,
  );
}
