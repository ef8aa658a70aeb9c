import type { AnyTool } from "../catalog/index.ts";
import { dataReadTools } from "./data-read/index.ts";
import { eventbriteChartsTools } from "./eventbrite-charts/index.ts";
import { growthMarketingTools } from "./growth-marketing/index.ts";
import { memoryTools } from "./memory/index.ts";
import { paymentsTools } from "./payments/index.ts";
import { platformDbEdgeTools } from "./platform-db-edge/index.ts";
import { profileIntegrityTools } from "./profile-integrity/index.ts";
import { slackKnowledgeTools } from "./slack-knowledge/index.ts";

export {
  dataReadTools,
  eventbriteChartsTools,
  growthMarketingTools,
  memoryTools,
  paymentsTools,
  platformDbEdgeTools,
  profileIntegrityTools,
  slackKnowledgeTools,
};

/** Every tool Arthur ships, pack by pack, in the order of the policy table (original-system.md §1.2). */
export const allTools: AnyTool[] = [
  ...dataReadTools,
  ...profileIntegrityTools,
  ...paymentsTools,
  ...growthMarketingTools,
  ...platformDbEdgeTools,
  ...eventbriteChartsTools,
  ...memoryTools,
  ...slackKnowledgeTools,
];
