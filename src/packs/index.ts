import type { AnyTool } from "../catalog/index.ts";
import { dataReadTools } from "./data-read/index.ts";
import { paymentsReadTools } from "./payments/index.ts";
import { profileIntegrityReadTools } from "./profile-integrity/index.ts";

export { dataReadTools, paymentsReadTools, profileIntegrityReadTools };

/** Every tool Arthur ships, pack by pack. */
export const allTools: AnyTool[] = [...dataReadTools, ...profileIntegrityReadTools, ...paymentsReadTools];
