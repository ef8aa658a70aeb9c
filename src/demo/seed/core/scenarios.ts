/**
 * Named demo situations with fixed EIDs, present at every scale (docs/demo-data.md, "Scenario
 * events"). Dates are relative to the anchor; a scenario replaces any generated event that would
 * have had its EID.
 */
export interface ScenarioSpec {
  eid: string;
  label: string;
  city: string;
  /** Whole days from the anchor's local date (negative = past); ignored when `live`. */
  dayOffset: number;
  live?: boolean;
  enabled?: boolean;
  showInApp?: boolean;
  portion?: string;
  eventbrite?: boolean;
  /** Share of artworks that sell, overriding the era default. */
  soldShare?: number;
  /** Every sold artwork is buyer-paid (the artists are owed). */
  allPaid?: boolean;
}

export const SCENARIOS: readonly ScenarioSpec[] = [
  {
    eid: "AB4001",
    label: "owed-two-currencies",
    city: "Toronto",
    dayOffset: -215,
    eventbrite: true,
    soldShare: 0.8,
    allPaid: true,
  },
  {
    eid: "AB4002",
    label: "owed-two-currencies",
    city: "Seattle",
    dayOffset: -212,
    eventbrite: true,
    soldShare: 0.6,
    allPaid: true,
  },
  { eid: "AB4031", label: "charity", city: "Menlo Park", dayOffset: -168, eventbrite: true, portion: "0.00" },
  {
    eid: "AB4023",
    label: "hidden-from-app",
    city: "Ottawa",
    dayOffset: 9,
    eventbrite: true,
    enabled: true,
    showInApp: false,
  },
  {
    eid: "AB4098",
    label: "unpublished",
    city: "Halifax",
    dayOffset: 52,
    eventbrite: false,
    enabled: false,
    showInApp: false,
  },
  { eid: "AB4120", label: "live-today", city: "Vancouver", dayOffset: 0, live: true, eventbrite: true },
  { eid: "AB4124", label: "eventbrite-wrong-mapping", city: "Portland", dayOffset: 11, eventbrite: true },
  { eid: "AB4125", label: "chart-pace", city: "San Francisco", dayOffset: 18, eventbrite: true },
  { eid: "AB4130", label: "chart-pace", city: "Chicago", dayOffset: 31, eventbrite: true },
];

export const SCENARIO_EIDS = new Set(SCENARIOS.map((s) => s.eid));

/** Cities whose recent past shows feed the ticket-pace comparators. */
export const CHART_CITIES = ["San Francisco", "Chicago"] as const;

/** Minutes between the live event's start and the anchor. */
export const LIVE_STARTED_MINUTES_AGO = 160;
