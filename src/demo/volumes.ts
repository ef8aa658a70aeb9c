/**
 * Art Battle production row counts (Aug 2025, artbattle-schema.md §6.1) that `--scale 1` must
 * reproduce within 10%. Other tables are seeded in proportion (see docs/demo-data.md).
 */
export const PRODUCTION_COUNTS = {
  events: 939,
  people: 106_899,
  art: 14_289,
  votes: 305_852,
  bids: 87_207,
} as const;
