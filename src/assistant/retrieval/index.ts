export { stem, type Token, tokenize } from "./analyzer.ts";
export { type Mood, moodOf } from "./cues.ts";
export { emptyEntities, extractEntities } from "./entities.ts";
export { type HintTable, TOOL_HINTS, type ToolHint } from "./hints.ts";
export { type RankOptions, ToolIndex } from "./ranker.ts";
export { clearNameCache, NAME_CACHE_TTL_MS, resolveEntities } from "./resolve.ts";
export type { Entities, RankedTool } from "./types.ts";
