export { SlackExportError } from "./export-schema.ts";
export { type ExportSource, openExport } from "./export-source.ts";
export {
  ensureSampleKnowledge,
  type ImportOptions,
  type ImportProgress,
  type ImportReport,
  importSlackExport,
  SAMPLE_EXPORT_DIR,
} from "./importer.ts";
export { renderText, SKIPPED_SUBTYPES } from "./render.ts";
export {
  type NearbyMessage,
  queryTerms,
  type SearchHit,
  type SearchOutcome,
  type SearchRequest,
  searchKnowledge,
} from "./search.ts";
export {
  type ChannelStats,
  type KnowledgeStats,
  knowledgeStats,
  type LastImport,
  SEARCH_MODE,
} from "./stats.ts";
