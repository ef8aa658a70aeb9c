import type { AnyTool } from "../../catalog/index.ts";
import { getArtistInvitations } from "./artist-invitations.ts";
import { findDuplicateProfiles } from "./duplicate-profiles.ts";
import { getEventReadiness } from "./event-readiness.ts";
import { getQrScanStatus } from "./qr-scans.ts";
import { getVoteWeights } from "./vote-weights.ts";

/** The read-only profile-integrity tools (original-system.md §1.2 #16, #20, #22, #23, #25). */
export const profileIntegrityReadTools: AnyTool[] = [
  findDuplicateProfiles,
  getArtistInvitations,
  getEventReadiness,
  getQrScanStatus,
  getVoteWeights,
];

export { findDuplicateProfiles, getArtistInvitations, getEventReadiness, getQrScanStatus, getVoteWeights };
