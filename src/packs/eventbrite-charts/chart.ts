import type { Sql } from "../../db/index.ts";

/** Everything a ticket-pace chart shows, and the PNG it was drawn as. */
export interface BuiltPaceChart {
  eid: string;
  eventName: string;
  city: string | null;
  eventStart: Date;
  /** Tickets sold so far (every ticket of every sold order). */
  ticketCount: number;
  /** Gross revenue from the newest Eventbrite cache row, null when there is none. */
  revenue: string | null;
  currency: string | null;
  /** Tickets per day over the window the line covers (same source and period as the line). */
  pacePerDay: number;
  /** Whole days until the event starts; negative once it has started. */
  daysUntilEvent: number;
  /** Comparator eids drawn (those with orders data), in the order given. */
  comparators: string[];
  /** SHA-256 of what the chart shows (series and title), for duplicate detection. */
  payloadHash: string;
  png: Buffer;
  width: number;
  height: number;
  renderMs: number;
}

/**
 * Build and render the ticket-pace chart of `eid` against `comparatorEids` (null: the stored
 * ranking's top five). Throws ToolError NOT_FOUND for an unknown eid. Returns null when the event
 * has no sold orders in the cache (nothing to draw).
 */
export async function buildPaceChart(
  _sql: Sql,
  _options: { eid: string; comparatorEids: readonly string[] | null; now?: Date },
): Promise<BuiltPaceChart | null> {
  throw new Error("buildPaceChart: not implemented yet");
}
