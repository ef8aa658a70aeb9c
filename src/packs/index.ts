import type { AnyTool } from "../catalog/index.ts";
import { dataReadTools } from "./data-read/index.ts";
import { growthMarketingTools } from "./growth-marketing/index.ts";
import { memoryTools } from "./memory/index.ts";
import { paymentsTools } from "./payments/index.ts";
import { platformDbEdgeTools } from "./platform-db-edge/index.ts";
import { profileIntegrityTools } from "./profile-integrity/index.ts";

export {
  dataReadTools,
  growthMarketingTools,
  memoryTools,
  paymentsTools,
  platformDbEdgeTools,
  profileIntegrityTools,
};

/** Every tool Arthur ships, pack by pack, in the order of the policy table (original-system.md §1.2). */
export const allTools: AnyTool[] = [
  ...dataReadTools,
  ...profileIntegrityTools,
  ...paymentsTools,
  ...growthMarketingTools,
  ...platformDbEdgeTools,
  ...memoryTools,
];
