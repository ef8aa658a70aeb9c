import type { Sql } from "postgres";
import type { CopyValue } from "./copy.ts";
import type { Rng } from "./random.ts";

/**
 * What one seeding domain hands to the next. The core domain (geography, people, events,
 * competition, votes, bids, pipeline) fills these; the commerce/ops domain (payments, Eventbrite,
 * messaging, marketing) reads them. Values mirror the rows already written.
 */

export interface SeedOptions {
  /** 1 = Art Battle production volumes. */
  scale: number;
  seed: number;
  /** "Today" for the demo: past/upcoming/live events are placed relative to this instant (UTC). */
  anchor: Date;
}

export interface SeedContext extends SeedOptions {
  sql: Sql;
  /** Independent deterministic stream per name. */
  rng(stream: string): Rng;
  /** Round `production * scale`, never below `minimum`. */
  count(production: number, minimum?: number): number;
  /** COPY rows into a table, with progress reporting. Returns rows written. */
  copy(table: string, columns: readonly string[], rows: Iterable<readonly CopyValue[]>): Promise<number>;
}

export interface WorldCountry {
  id: string;
  code: string; // ISO-2
  name: string;
  currency: string; // ISO-4217
  currencySymbol: string;
}

export interface WorldCity {
  id: string;
  name: string;
  countryId: string;
  countryCode: string;
  currency: string;
  timezone: string; // IANA
  /** Relative popularity weight, used to spread events and people. */
  weight: number;
}

export interface WorldVenue {
  id: string;
  cityId: string;
  name: string;
  capacity: number;
}

export interface WorldPerson {
  id: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null; // E.164
  cityId: string;
  isArtist: boolean;
  messageBlocked: number;
  createdAt: Date;
}

export interface WorldArtist {
  id: string;
  personId: string | null;
  entryId: number;
  name: string;
  email: string | null;
  phone: string | null;
  country: string; // ISO-2
  cityId: string | null;
  supersededBy: string | null;
  createdAt: Date;
}

export type EventPhase = "past" | "live" | "upcoming";

export interface WorldEvent {
  id: string;
  eid: string; // "AB" + digits
  name: string;
  cityId: string | null;
  countryCode: string | null;
  venueId: string | null;
  currency: string;
  timezone: string;
  startsAt: Date;
  endsAt: Date;
  phase: EventPhase;
  enabled: boolean;
  showInApp: boolean;
  capacity: number;
  eventbriteId: string | null;
  /** numeric(3,2) as text, e.g. "0.50". */
  artistAuctionPortion: string;
  auctionStartBid: number;
  minBidIncrement: number;
  metaAdsBudget: string | null;
  /** Set for the named demo scenario events (see docs/demo-data.md). */
  scenario: string | null;
}

export type ArtStatus = "inactive" | "active" | "closed" | "sold" | "cancelled" | "paid";

export interface WorldArt {
  id: string;
  eventId: string;
  artCode: string;
  round: number;
  easel: number;
  artistId: string | null;
  status: ArtStatus;
  /** numeric as text or null; the platform values a sale at COALESCE(final_price, current_bid). */
  finalPrice: string | null;
  currentBid: string | null;
  winnerId: string | null;
  closingTime: Date | null;
}

export interface WorldBid {
  artId: string;
  personId: string;
  amount: string;
  createdAt: Date;
}

/** Everything the core domain produced. */
export interface CoreWorld {
  countries: WorldCountry[];
  cities: WorldCity[];
  venues: WorldVenue[];
  people: WorldPerson[];
  artists: WorldArtist[];
  events: WorldEvent[];
  art: WorldArt[];
  /** Top bid per artwork id (winner and amount), for buyer-side messaging. */
  bids: WorldBid[];
  /** Contestant artist ids per event id, for payments and pipeline consumers. */
  contestantsByEvent: Map<string, string[]>;
  /** Confirmed artist profile ids per event id. */
  confirmedByEvent: Map<string, string[]>;
}

/** A seeding domain: writes its tables through `ctx.copy` and returns what later domains need. */
export type SeedDomain<In, Out> = (ctx: SeedContext, input: In) => Promise<Out>;
