import type { Rng } from "../random.ts";
import type { ArtStatus, SeedContext, WorldArt } from "../world.ts";
import type { ArtistBook, ArtistRec } from "./artists.ts";
import type { EventRec } from "./events.ts";
import type { PeopleBook } from "./people.ts";
import type { Quota } from "./quotas.ts";
import type { Reference } from "./reference.ts";

/** Row records the simulation produces; writers turn them into COPY rows. */

export interface RoundRec {
  id: string;
  event: EventRec;
  number: number;
  isFinished: boolean;
  closingTime: Date | null;
}

export interface ArtRec extends WorldArt {
  index: number;
  event: EventRec;
  artist: ArtistRec | null;
  voteCount: number;
  closingTime: Date | null;
  extensionCount: number;
  createdAt: Date;
  paidAt: Date | null;
  topBid: BidRec | null;
}

export interface ContestantRec {
  id: string;
  round: RoundRec;
  artist: ArtistRec;
  art: ArtRec | null;
  easel: number | null;
  isWinner: boolean;
  createdAt: Date;
}

export interface VoteRec {
  art: ArtRec;
  person: number;
  /** Vote weight in hundredths (vote_factor = hundredths / 100). */
  factor: number;
  at: number;
  /** Legacy vote whose art_uuid could not be back-filled. */
  noUuid: boolean;
}

export interface BidRec {
  art: ArtRec;
  person: number;
  amount: number;
  at: number;
}

export interface ScanRec {
  person: number;
  event: EventRec;
  code: string;
  at: number;
  valid: boolean;
}

export interface QrCodeRec {
  code: string;
  event: EventRec;
  generatedAt: Date;
  expiresAt: Date;
  active: boolean;
}

export interface PipelineRec {
  kind: "application" | "invitation" | "confirmation";
  event: EventRec;
  artist: ArtistRec;
  /** Application status, invitation status or confirmation status. */
  status: string;
  createdAt: Date;
  /** accepted_at, or withdrawn_at for confirmations. */
  decidedAt: Date | null;
  /** The profile link broke in Aug 2025 and could not be repaired for this row. */
  brokenLink: boolean;
}

export interface EventOutcome {
  rounds: RoundRec[];
  art: ArtRec[];
  contestants: ContestantRec[];
  /** Everyone who attended (voted, scanned or bid), as person indices. */
  attendees: number[];
}

/** Everything the per-event simulation reads and writes. */
export interface Sim {
  ctx: SeedContext;
  ref: Reference;
  people: PeopleBook;
  artists: ArtistBook;
  events: EventRec[];
  quotas: Quota[];
  rng: {
    artists: Rng;
    art: Rng;
    votes: Rng;
    bids: Rng;
    scans: Rng;
    pipeline: Rng;
  };
  /** Votes cast and bid units placed per person before the current event (vote-weight history). */
  votesBefore: Int32Array;
  bidsBefore: Float64Array;
  rounds: RoundRec[];
  art: ArtRec[];
  contestants: ContestantRec[];
  votes: VoteRec[];
  bids: BidRec[];
  scans: ScanRec[];
  qrCodes: QrCodeRec[];
  pipeline: PipelineRec[];
  contestantsByEvent: Map<string, string[]>;
  confirmedByEvent: Map<string, string[]>;
}

export function newArt(
  sim: Sim,
  event: EventRec,
  round: number,
  easel: number,
  artist: ArtistRec | null,
  createdAt: Date,
): ArtRec {
  const status: ArtStatus = "active";
  const art: ArtRec = {
    id: sim.rng.art.uuid(),
    index: sim.art.length,
    eventId: event.id,
    artCode: `${event.eid}-${round}-${easel}`,
    round,
    easel,
    artistId: artist?.id ?? null,
    status,
    finalPrice: null,
    currentBid: "50",
    winnerId: null,
    closingTime: null,
    event,
    artist,
    voteCount: 0,
    extensionCount: 0,
    createdAt,
    paidAt: null,
    topBid: null,
  };
  sim.art.push(art);
  return art;
}

/** Record that a person did something at `at` (votes, bids, scans) for created_at and activity columns. */
export function touch(sim: Sim, person: number, at: number): void {
  const p = sim.people.people[person];
  if (!p) return;
  if (at < p.firstActivity) p.firstActivity = at;
  if (at > p.lastActivity) p.lastActivity = at;
  p.interactions++;
}
