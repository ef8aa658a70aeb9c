import type { AnyTool } from "../../catalog/index.ts";
import { lookupArtistProfile } from "./artist-profile.ts";
import { lookupArtworkBids } from "./artwork-bids.ts";
import { getAuctionRevenue } from "./auction-revenue.ts";
import { getAuctionTiming } from "./auction-timing.ts";
import { getBidHistory } from "./bid-history.ts";
import { getEventConfig } from "./event-config.ts";
import { getEventSummary } from "./event-summary.ts";
import { getEventbriteData, getEventbriteFees, getEventbriteMapping } from "./eventbrite.ts";
import { runEventHealthCheck } from "./health-check.ts";
import { lookupEvent } from "./lookup-event.ts";
import { lookupPerson } from "./people.ts";
import { debugEventVisibility } from "./visibility.ts";
import { getVoteData } from "./votes.ts";

/** The 15 data-read tools, in the order of the policy table (original-system.md §1.2, #1–#15). */
export const dataReadTools: AnyTool[] = [
  lookupEvent,
  lookupPerson,
  lookupArtistProfile,
  lookupArtworkBids,
  getVoteData,
  debugEventVisibility,
  getEventConfig,
  runEventHealthCheck,
  getEventSummary,
  getBidHistory,
  getAuctionTiming,
  getAuctionRevenue,
  getEventbriteData,
  getEventbriteMapping,
  getEventbriteFees,
];

export {
  debugEventVisibility,
  getAuctionRevenue,
  getAuctionTiming,
  getBidHistory,
  getEventbriteData,
  getEventbriteFees,
  getEventbriteMapping,
  getEventConfig,
  getEventSummary,
  getVoteData,
  lookupArtistProfile,
  lookupArtworkBids,
  lookupEvent,
  lookupPerson,
  runEventHealthCheck,
};
