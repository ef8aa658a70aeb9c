import type { WorldArt, WorldEvent } from "../world.ts";
import { cents, type WorldIndex } from "./shared.ts";

/**
 * What each artist earned from buyer-paid art, per currency, computed exactly as the platform's
 * get_artists_owed() does: COALESCE(final_price, current_bid, 0) × events.artist_auction_portion.
 * Amounts are integer "units" of 1/10,000 of the currency so the sums stay exact.
 */
export interface EventEarning {
  event: WorldEvent;
  units: number;
  arts: WorldArt[];
}

export interface Earning {
  key: string;
  artistId: string;
  currency: string;
  units: number;
  /** Per event, oldest first. */
  events: EventEarning[];
  latest: Date;
}

export function pairKey(artistId: string, currency: string): string {
  return `${artistId}|${currency}`;
}

/** Whole cents of an exact unit amount, rounded down so a "full" payment never overshoots. */
export function unitsToCents(units: number): number {
  return Math.floor(units / 100);
}

export function computeEarnings(index: WorldIndex): Earning[] {
  const byKey = new Map<string, Earning>();
  for (const art of index.world.art) {
    if (art.status !== "paid" || !art.artistId) continue;
    const event = index.eventById.get(art.eventId);
    if (!event) continue;
    const units = cents(art.finalPrice ?? art.currentBid) * cents(event.artistAuctionPortion);
    if (units <= 0) continue;
    const key = pairKey(art.artistId, event.currency);
    let earning = byKey.get(key);
    if (!earning) {
      earning = {
        key,
        artistId: art.artistId,
        currency: event.currency,
        units: 0,
        events: [],
        latest: event.startsAt,
      };
      byKey.set(key, earning);
    }
    earning.units += units;
    let perEvent = earning.events.find((e) => e.event.id === event.id);
    if (!perEvent) {
      perEvent = { event, units: 0, arts: [] };
      earning.events.push(perEvent);
    }
    perEvent.units += units;
    perEvent.arts.push(art);
    if (event.startsAt > earning.latest) earning.latest = event.startsAt;
  }
  const all = [...byKey.values()];
  for (const earning of all) {
    earning.events.sort((a, b) => a.event.startsAt.getTime() - b.event.startsAt.getTime());
  }
  // World order of art is deterministic, but sort anyway so planning never depends on it.
  return all.sort((a, b) => a.key.localeCompare(b.key));
}

/** Earnings grouped by artist id, preserving the sorted pair order. */
export function byArtist(earnings: readonly Earning[]): Map<string, Earning[]> {
  const map = new Map<string, Earning[]>();
  for (const earning of earnings) {
    const list = map.get(earning.artistId);
    if (list) list.push(earning);
    else map.set(earning.artistId, [earning]);
  }
  return map;
}
