import type { Rng } from "../random.ts";
import type { WorldArtist, WorldEvent } from "../world.ts";
import { type Earning, type EventEarning, pairKey, unitsToCents } from "./earnings.ts";
import { automatedPayout, manualCredit, type PaymentRecord, payoutTime } from "./payment-records.ts";
import { at, HOUR, MINUTE, STAFF, type WorldIndex } from "./shared.ts";

/** Named demo situations (docs/demo-data.md, "Commerce and operations tables"). */
export const SCENARIO_EIDS = {
  owedCad: "AB4001",
  owedUsd: "AB4002",
  wrongEventbrite: "AB4124",
  chartPace: ["AB4125", "AB4130"],
} as const;

const PREFERRED_DUAL = ["Marco Delgado", "Lena Okafor"];

export interface PendingRequestPlan {
  artistId: string;
  currency: string;
  amountCents: number;
  eids: string[];
  createdAt: Date;
}

/** Who plays which part in the AB4001/AB4002 payments story, and the rows that set it up. */
export interface PaymentScenario {
  /** Pairs that must stay owed, untouched by the general planner. */
  owedPairs: Set<string>;
  /** Artists with paid art at AB4001/AB4002 (their other pairs go through the general planner). */
  earners: Set<string>;
  /** Artists whose every pair the scenario settles itself. */
  handled: Set<string>;
  /** AB4001 and AB4002: the shows whose earnings stay owed. */
  eventIds: Set<string>;
  payments: PaymentRecord[];
  /** Artists that need a `ready` global payments account. */
  ready: Set<string>;
  /** Artists that must NOT have a ready account (they are on the manual path). */
  manualPath: Set<string>;
  /** Artists that need a legacy Stripe Connect row with payouts enabled. */
  stripeConnect: Set<string>;
  pendingRequests: PendingRequestPlan[];
  roles: {
    dual: WorldArtist[];
    fullyPaid: WorldArtist | null;
    processing: WorldArtist | null;
    pendingRequest: WorldArtist | null;
  };
}

function eventShare(
  earnings: Map<string, Earning>,
  artistId: string,
  event: WorldEvent,
): EventEarning | null {
  return earnings.get(pairKey(artistId, event.currency))?.events.find((e) => e.event.id === event.id) ?? null;
}

/** Artists with buyer-paid art at an event, in a stable order. */
function earnersAt(earnings: Map<string, Earning>, event: WorldEvent, index: WorldIndex): WorldArtist[] {
  const ids = new Set<string>();
  for (const earning of earnings.values()) {
    if (earning.currency === event.currency && earning.events.some((e) => e.event.id === event.id)) {
      ids.add(earning.artistId);
    }
  }
  return [...ids]
    .sort()
    .map((id) => index.artistById.get(id))
    .filter((a): a is WorldArtist => a !== undefined);
}

function byPreference(a: WorldArtist, b: WorldArtist): number {
  const rank = (x: WorldArtist) => {
    const i = PREFERRED_DUAL.indexOf(x.name);
    return i === -1 ? PREFERRED_DUAL.length : i;
  };
  return rank(a) - rank(b) || a.id.localeCompare(b.id);
}

export function planPaymentScenario(index: WorldIndex, all: readonly Earning[], rng: Rng): PaymentScenario {
  const plan: PaymentScenario = {
    owedPairs: new Set(),
    earners: new Set(),
    handled: new Set(),
    eventIds: new Set(),
    payments: [],
    ready: new Set(),
    manualPath: new Set(),
    stripeConnect: new Set(),
    pendingRequests: [],
    roles: { dual: [], fullyPaid: null, processing: null, pendingRequest: null },
  };
  const cad = index.eventByEid.get(SCENARIO_EIDS.owedCad);
  const usd = index.eventByEid.get(SCENARIO_EIDS.owedUsd);
  if (!cad || !usd) return plan;
  const earnings = new Map(all.map((e) => [e.key, e]));
  const cadEarners = earnersAt(earnings, cad, index);
  const usdEarners = earnersAt(earnings, usd, index);
  const usdIds = new Set(usdEarners.map((a) => a.id));

  // Everyone with paid art at either event is owed unless given another role below.
  plan.eventIds = new Set([cad.id, usd.id]);
  for (const artist of cadEarners) {
    plan.earners.add(artist.id);
    plan.owedPairs.add(pairKey(artist.id, cad.currency));
  }
  for (const artist of usdEarners) {
    plan.earners.add(artist.id);
    plan.owedPairs.add(pairKey(artist.id, usd.currency));
  }

  const named = index.world.artists.filter((a) => PREFERRED_DUAL.includes(a.name));
  const bothEvents = cadEarners.filter((a) => usdIds.has(a.id)).sort(byPreference);
  const dual = bothEvents.slice(0, 2);
  // Fallback when the core world has fewer than two artists with paid art at both events: a credit
  // in the missing currency makes an AB4001 artist owed in USD too.
  for (const artist of cadEarners.slice().sort(byPreference)) {
    if (dual.length >= 2) break;
    if (dual.includes(artist)) continue;
    dual.push(artist);
    plan.payments.push(
      manualCredit(rng, artist.id, usd.currency, 7500, usd, payoutTime(rng, usd, index.anchor, 1, 4)),
    );
  }
  plan.roles.dual = dual;

  // Partial payment in ONE currency only: the first dual artist in CAD, the second in USD.
  dual.forEach((artist, i) => {
    const event = i === 0 ? cad : usd;
    const share = eventShare(earnings, artist.id, event);
    if (!share) return;
    const partial = Math.floor(unitsToCents(share.units) / 2);
    const art = share.arts[0] ?? null;
    const when = payoutTime(rng, event, index.anchor, 2, 5);
    plan.payments.push({
      ...automatedPayout(rng, artist.id, event.currency, partial, event, art, when, index.anchor, 0),
      description: `Partial payment for ${event.eid} (balance to follow)`,
    });
    plan.ready.add(artist.id);
  });
  const marco = named.find((a) => a.name === "Marco Delgado");
  if (marco) {
    plan.ready.add(marco.id);
    plan.stripeConnect.add(marco.id);
  }

  const others = cadEarners.filter((a) => !dual.includes(a) && a.name !== "Marco Delgado");
  const [fullyPaid, processing] = others;
  // A payout request is filed from an artist's account, so that artist needs a linked person.
  const pendingRequest = others.slice(2).find((a) => a.personId !== null);
  if (fullyPaid) {
    plan.roles.fullyPaid = fullyPaid;
    plan.handled.add(fullyPaid.id);
    for (const key of [...plan.owedPairs]) if (key.startsWith(`${fullyPaid.id}|`)) plan.owedPairs.delete(key);
    for (const earning of all.filter((e) => e.artistId === fullyPaid.id)) {
      for (const share of earning.events) {
        const when = payoutTime(rng, share.event, index.anchor, 2, 6);
        const art = share.arts[0] ?? null;
        plan.payments.push(
          automatedPayout(
            rng,
            fullyPaid.id,
            earning.currency,
            unitsToCents(share.units),
            share.event,
            art,
            when,
            index.anchor,
            1,
          ),
        );
      }
    }
    plan.ready.add(fullyPaid.id);
  }
  if (processing) {
    plan.roles.processing = processing;
    const earning = earnings.get(pairKey(processing.id, cad.currency));
    const share = eventShare(earnings, processing.id, cad);
    if (earning && share) {
      // Stuck: Stripe accepted the request hours ago and no webhook ever arrived.
      const createdAt = at(index.anchor, -3 * HOUR - 12 * MINUTE);
      plan.payments.push({
        ...automatedPayout(
          rng,
          processing.id,
          cad.currency,
          unitsToCents(earning.units),
          cad,
          share.arts[0] ?? null,
          createdAt,
          index.anchor,
          0,
        ),
        status: "processing",
        paidAt: null,
        webhookAt: null,
        updatedAt: at(createdAt, 40_000),
        createdBy: STAFF.admins[0],
      });
      plan.ready.add(processing.id);
    }
  }
  if (pendingRequest) {
    plan.roles.pendingRequest = pendingRequest;
    const share = eventShare(earnings, pendingRequest.id, cad);
    if (share) {
      plan.pendingRequests.push({
        artistId: pendingRequest.id,
        currency: cad.currency,
        amountCents: unitsToCents(share.units),
        eids: [cad.eid],
        createdAt: payoutTime(rng, cad, index.anchor, 14, 16),
      });
      plan.manualPath.add(pendingRequest.id);
    }
  }
  return plan;
}
