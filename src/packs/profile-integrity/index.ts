import type { AnyTool } from "../../catalog/index.ts";
import { updateArtistBio, updateArtistCountry, updateArtistName } from "./artist-edits.ts";
import { getArtistInvitations } from "./artist-invitations.ts";
import { findDuplicateProfiles } from "./duplicate-profiles.ts";
import { getEventReadiness } from "./event-readiness.ts";
import { getQrScanStatus } from "./qr-scans.ts";
import { refreshVoteWeights } from "./refresh-vote-weights.ts";
import { sendArtistInvitation } from "./send-invitation.ts";
import { getVoteWeights } from "./vote-weights.ts";

/** Every profile-integrity tool, in the order of the policy table (#16–#25). */
export const profileIntegrityTools: AnyTool[] = [
  findDuplicateProfiles,
  updateArtistName,
  updateArtistBio,
  updateArtistCountry,
  getArtistInvitations,
  sendArtistInvitation,
  getEventReadiness,
  getVoteWeights,
  refreshVoteWeights,
  getQrScanStatus,
];

export {
  findDuplicateProfiles,
  getArtistInvitations,
  getEventReadiness,
  getQrScanStatus,
  getVoteWeights,
  refreshVoteWeights,
  sendArtistInvitation,
  updateArtistBio,
  updateArtistCountry,
  updateArtistName,
};
