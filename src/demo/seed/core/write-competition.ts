import type { SeedContext } from "../world.ts";
import { roundEnd } from "./competition.ts";
import type { PersonRec } from "./people.ts";
import type { ArtRec, Sim } from "./state.ts";
import { calendar, HOUR } from "./time.ts";

/** numeric text of a weight kept in hundredths ("2.30"). */
function hundredths(value: number): string {
  return `${Math.floor(value / 100)}.${String(value % 100).padStart(2, "0")}`;
}

/** Legacy Mongo lot status numbers: 1 active, 2 closed, 4 paid. */
function mongoStatus(art: ArtRec): number | null {
  if (art.status === "paid") return 4;
  if (art.status === "active") return 1;
  return art.status === "closed" || art.status === "sold" ? 2 : null;
}

function* artRows(sim: Sim) {
  const rng = sim.ctx.rng("core:write:art");
  const legacy = calendar(sim.ctx.anchor, "2021-01-01");
  const latest = sim.ctx.anchor.getTime() - HOUR;
  for (const a of sim.art) {
    const e = a.event;
    const old = e.startsAt < legacy;
    const settled = a.paidAt ?? (e.phase === "past" ? (a.closingTime ?? e.endsAt) : a.createdAt);
    yield [
      a.id,
      a.artCode,
      a.eventId,
      a.artistId,
      a.round,
      a.easel,
      a.status,
      50,
      a.currentBid,
      0,
      a.voteCount,
      a.winnerId,
      a.finalPrice,
      a.closingTime,
      a.extensionCount > 0,
      a.extensionCount,
      e.startsAt < calendar(sim.ctx.anchor, "2023-01-01") ? "16x20" : "18x24",
      a.paidAt,
      a.paidAt ? a.winnerId : null,
      old ? rng.code(24, "0123456789abcdef") : null,
      old ? mongoStatus(a) : null,
      a.createdAt,
      new Date(Math.min(latest, Math.max(a.createdAt.getTime(), settled.getTime()))),
    ];
  }
}

function* voteRows(sim: Sim) {
  const rng = sim.ctx.rng("core:write:votes");
  const people = sim.people.people;
  const legacy = calendar(sim.ctx.anchor, "2022-01-01");
  for (const v of sim.votes) {
    const a = v.art;
    const e = a.event;
    const old = e.startsAt < legacy;
    const when = new Date(v.at);
    yield [
      rng.uuid(),
      e.id,
      e.eid,
      a.round,
      a.easel,
      a.artCode,
      v.noUuid ? null : a.id,
      (people[v.person] as PersonRec).id,
      hundredths(v.factor),
      old ? a.artistId : null,
      old ? (people[v.person]?.phone ?? null) : null,
      e.weightsEra ? "auth" : old ? "sms" : "link",
      when,
      when,
      when,
    ];
  }
}

function* bidRows(sim: Sim) {
  const rng = sim.ctx.rng("core:write:bids");
  const people = sim.people.people;
  for (const b of sim.bids) {
    const e = b.art.event;
    yield [
      rng.uuid(),
      b.art.id,
      (people[b.person] as PersonRec).id,
      b.amount,
      e.currency,
      e.currencySymbol,
      e.closingEra ? `198.51.100.${rng.int(1, 254)}` : null,
      new Date(b.at),
    ];
  }
}

/** rounds, art, round_contestants, votes and bids, in FK order. */
export async function writeCompetition(ctx: SeedContext, sim: Sim): Promise<void> {
  await ctx.copy(
    "rounds",
    ["id", "event_id", "round_number", "is_finished", "closing_time", "created_at", "updated_at"],
    sim.rounds.map((r) => [
      r.id,
      r.event.id,
      r.number,
      r.isFinished,
      r.closingTime,
      r.event.createdAt,
      r.isFinished ? roundEnd(r.event, r.number) : r.event.createdAt,
    ]),
  );
  await ctx.copy(
    "art",
    [
      "id",
      "art_code",
      "event_id",
      "artist_id",
      "round",
      "easel",
      "status",
      "starting_bid",
      "current_bid",
      "bid_count",
      "vote_count",
      "winner_id",
      "final_price",
      "closing_time",
      "auction_extended",
      "extension_count",
      "width_and_height",
      "buyer_pay_recent_date",
      "buyer_pay_recent_person_id",
      "mongo_lot_id",
      "mongo_status",
      "created_at",
      "updated_at",
    ],
    artRows(sim),
  );
  await ctx.copy(
    "round_contestants",
    [
      "id",
      "round_id",
      "artist_id",
      "art_id",
      "easel_number",
      "enabled",
      "is_winner",
      "enable_auction",
      "vote_by_link",
      "created_at",
    ],
    sim.contestants.map((c) => [
      c.id,
      c.round.id,
      c.artist.id,
      c.art?.id ?? null,
      c.easel,
      true,
      c.isWinner ? 1 : 0,
      1,
      false,
      c.createdAt,
    ]),
  );
  await ctx.copy(
    "votes",
    [
      "id",
      "event_id",
      "eid",
      "round",
      "easel",
      "art_id",
      "art_uuid",
      "person_id",
      "vote_factor",
      "artist_profile_id",
      "phone",
      "auth_method",
      "timestamp",
      "created_at",
      "updated_at",
    ],
    voteRows(sim),
  );
  await ctx.copy(
    "bids",
    ["id", "art_id", "person_id", "amount", "currency_code", "currency_symbol", "ip_address", "created_at"],
    bidRows(sim),
  );
}
