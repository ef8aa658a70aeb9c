/** The demo "now" used by every test database: scenario dates are relative to it. */
export const TEST_ANCHOR = new Date("2026-11-24T18:00:00.000Z");
export const TEST_SEED = 42;
/** Small enough to seed in seconds, large enough that every table has rows. */
export const TEST_SCALE = 0.02;
