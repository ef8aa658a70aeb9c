import { DATA_READ_HINTS } from "./hints/data-read.ts";
import { EVENTBRITE_CHARTS_HINTS } from "./hints/eventbrite-charts.ts";
import { GROWTH_MARKETING_HINTS } from "./hints/growth-marketing.ts";
import { MEMORY_KNOWLEDGE_HINTS } from "./hints/memory-knowledge.ts";
import { PAYMENTS_HINTS } from "./hints/payments.ts";
import { PLATFORM_DB_EDGE_HINTS } from "./hints/platform-db-edge.ts";
import { PROFILE_INTEGRITY_HINTS } from "./hints/profile-integrity.ts";
import type { HintTable } from "./hints/types.ts";

export type { HintTable, ToolHint } from "./hints/types.ts";

/**
 * Retrieval hints for every tool Arthur ships, by tool name: example phrasings and keywords, written
 * from the tools' descriptions. They feed the lexical ranker only; the model never sees them.
 */
export const TOOL_HINTS: HintTable = Object.freeze({
  ...DATA_READ_HINTS,
  ...PROFILE_INTEGRITY_HINTS,
  ...PAYMENTS_HINTS,
  ...GROWTH_MARKETING_HINTS,
  ...PLATFORM_DB_EDGE_HINTS,
  ...EVENTBRITE_CHARTS_HINTS,
  ...MEMORY_KNOWLEDGE_HINTS,
});
