import type { AnyTool } from "../../catalog/index.ts";
import { getMetaAdsData } from "./meta-ads.ts";
import { getNotificationStatus } from "./notification-status.ts";
import { getActiveOffers } from "./offers.ts";
import { getSmsAudienceCount } from "./sms-audience.ts";
import { getSmsCampaigns } from "./sms-campaigns.ts";
import { getSmsConversation } from "./sms-conversation.ts";
import { getSponsorshipSummary } from "./sponsorship.ts";

/** The growth-marketing tools, all read-only, in the order of the policy table (original-system.md §1.2, #35–#41). */
export const growthMarketingTools: AnyTool[] = [
  getMetaAdsData,
  getSmsCampaigns,
  getSmsAudienceCount,
  getSmsConversation,
  getNotificationStatus,
  getActiveOffers,
  getSponsorshipSummary,
];

export {
  getActiveOffers,
  getMetaAdsData,
  getNotificationStatus,
  getSmsAudienceCount,
  getSmsCampaigns,
  getSmsConversation,
  getSponsorshipSummary,
};
