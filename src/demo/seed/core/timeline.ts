import { apportion, WeightedPicker } from "../allocate.ts";
import type { Rng } from "../random.ts";
import type { EventPhase, SeedContext } from "../world.ts";
import type { CityRec, Reference } from "./reference.ts";
import {
  CHART_CITIES,
  LIVE_STARTED_MINUTES_AGO,
  SCENARIO_EIDS,
  SCENARIOS,
  type ScenarioSpec,
} from "./scenarios.ts";
import { at, calendar, DAY, HOUR, localDay, MINUTE, zonedInstant } from "./time.ts";

/** When and where one event happens, before its columns are filled in. */
export interface EventSlot {
  eid: string;
  start: Date;
  end: Date;
  city: CityRec | null;
  zone: string;
  phase: EventPhase;
  scenario: ScenarioSpec | null;
}

/** Zone used for the online-era shows, which have no city. */
const ONLINE_ZONE = "America/Toronto";
/** Days before the anchor when the 2026 season (AB4001+) starts: AB4001 is its first show. */
const SEASON_START_DAYS = 216;
/** How far ahead upcoming shows are scheduled. */
const HORIZON_DAYS = 60;

/**
 * EID history as (calendar date, EID number) knots from artbattle-schema.md §5.1; generated EIDs
 * interpolate between them, so numbers rise with dates and leave gaps like production's.
 */
function eidKnots(anchor: Date): [number, number][] {
  const c = (d: string) => calendar(anchor, d).getTime();
  const seasonStart = anchor.getTime() - SEASON_START_DAYS * DAY;
  return [
    [c("2019-08-01"), 1700],
    [c("2019-08-31"), 1790],
    [c("2020-02-20"), 2021],
    [c("2020-03-15"), 2035],
    [c("2021-06-30"), 2190],
    [c("2021-10-15"), 2215],
    [c("2022-05-15"), 2314],
    [c("2023-02-15"), 2400],
    [c("2023-11-15"), 2607],
    [c("2024-05-15"), 2787],
    [c("2025-08-15"), 2900],
    [c("2025-09-20"), 3036],
    [c("2025-10-15"), 3059],
    [seasonStart - DAY, 3160],
    [seasonStart, 4001],
    [anchor.getTime(), 4121],
    [anchor.getTime() + (HORIZON_DAYS + 1) * DAY, 4150],
  ];
}

function interpolate(knots: [number, number][], t: number): number {
  const first = knots[0] as [number, number];
  if (t <= first[0]) return first[1];
  for (let i = 1; i < knots.length; i++) {
    const [t1, e1] = knots[i] as [number, number];
    const [t0, e0] = knots[i - 1] as [number, number];
    if (t <= t1) return e0 + ((e1 - e0) * (t - t0)) / Math.max(1, t1 - t0);
  }
  return (knots[knots.length - 1] as [number, number])[1];
}

function phaseOf(start: Date, end: Date, anchor: Date): EventPhase {
  if (end.getTime() <= anchor.getTime()) return "past";
  return start.getTime() > anchor.getTime() ? "upcoming" : "live";
}

/** Evening show on a Thursday–Saturday near `day`, 19:00 or 19:30 local. */
function eveningSlot(rng: Rng, zone: string, day: Date): { start: Date; end: Date } {
  const local = localDay(zone, day);
  // Shift forward to Thursday (4), Friday (5) or Saturday (6).
  const shift = local.weekday >= 4 && local.weekday <= 6 ? 0 : (4 - local.weekday + 7) % 7;
  const minute = rng.chance(0.3) ? 30 : 0;
  const start = zonedInstant(zone, local.year, local.month, local.day + shift, 19, minute);
  return { start, end: at(start, 3 * HOUR) };
}

interface Segment {
  from: number;
  to: number;
  /** Relative shows per month. */
  rate: number;
  online: boolean;
}

function segments(anchor: Date): Segment[] {
  const c = (d: string) => calendar(anchor, d).getTime();
  const seasonStart = anchor.getTime() - SEASON_START_DAYS * DAY;
  return [
    { from: c("2019-08-01"), to: c("2020-03-10"), rate: 20, online: false },
    { from: c("2020-03-20"), to: c("2021-06-30"), rate: 0, online: true },
    { from: c("2021-09-10"), to: seasonStart - 3 * DAY, rate: 9.3, online: false },
    { from: seasonStart + 2 * DAY, to: anchor.getTime() + HORIZON_DAYS * DAY, rate: 14, online: false },
  ];
}

/** Random days inside a segment, kept clear of the anchor's day so only the scenario show is live. */
function segmentDays(rng: Rng, seg: Segment, count: number, anchor: number): number[] {
  const days: number[] = [];
  while (days.length < count) {
    const t = seg.from + Math.floor(rng.next() * (seg.to - seg.from));
    if (Math.abs(t - anchor) < 2 * DAY) continue;
    days.push(t);
  }
  return days.sort((a, b) => a - b);
}

function scenarioSlot(spec: ScenarioSpec, ref: Reference, anchor: Date): EventSlot {
  const city = ref.cityByName.get(spec.city) as CityRec;
  let start: Date;
  let end: Date;
  if (spec.live) {
    start = at(anchor, -LIVE_STARTED_MINUTES_AGO * MINUTE);
    end = at(start, 3.5 * HOUR);
  } else {
    const local = localDay(city.timezone, at(anchor, spec.dayOffset * DAY));
    start = zonedInstant(city.timezone, local.year, local.month, local.day, 19, 0);
    end = at(start, 3 * HOUR);
  }
  return {
    eid: spec.eid,
    start,
    end,
    city,
    zone: city.timezone,
    phase: phaseOf(start, end, anchor),
    scenario: spec,
  };
}

/**
 * Every event's date, city and EID. The total is `count(939)` (scenario events included, never
 * fewer than the scenarios plus a few): about 14% online-era shows without a city, a pre-COVID
 * burst, a steadier 2021–2026 run and the 2026 season up to two months ahead.
 */
export function planTimeline(ctx: SeedContext, ref: Reference): EventSlot[] {
  const rng = ctx.rng("core:timeline");
  const anchorMs = ctx.anchor.getTime();
  const total = Math.max(ctx.count(939), SCENARIOS.length + 4);
  const perChartCity = Math.max(1, Math.min(3, Math.floor((total - SCENARIOS.length - 2) / 2)));
  const generated = total - SCENARIOS.length - perChartCity * CHART_CITIES.length;
  const online = Math.round(generated * 0.1435);
  const segs = segments(ctx.anchor);
  const inPerson = apportion(
    generated - online,
    segs.map((s) => (s.online ? 0 : ((s.to - s.from) / (30 * DAY)) * s.rate)),
  );
  const picker = new WeightedPicker(
    ref.cities,
    ref.cities.map((c) => c.weight),
  );

  const slots: EventSlot[] = [];
  segs.forEach((seg, i) => {
    const count = seg.online ? online : (inPerson[i] ?? 0);
    for (const day of segmentDays(rng, seg, count, anchorMs)) {
      const city = seg.online ? null : picker.pick(rng);
      const zone = city?.timezone ?? ONLINE_ZONE;
      let { start, end } = eveningSlot(rng, zone, new Date(day));
      // Only the scenario show may be live: a generated show landing on the anchor moves a week on.
      if (phaseOf(start, end, ctx.anchor) === "live") {
        start = at(start, 7 * DAY);
        end = at(end, 7 * DAY);
      }
      slots.push({ eid: "", start, end, city, zone, phase: phaseOf(start, end, ctx.anchor), scenario: null });
    }
  });
  // Earlier shows in the chart-pace cities, 30–540 days back, so ticket-pace charts have comparators.
  for (const name of CHART_CITIES) {
    const city = ref.cityByName.get(name) as CityRec;
    for (let k = 0; k < perChartCity; k++) {
      const day = new Date(anchorMs - (45 + k * 160 + rng.int(0, 30)) * DAY);
      const { start, end } = eveningSlot(rng, city.timezone, day);
      slots.push({ eid: "", start, end, city, zone: city.timezone, phase: "past", scenario: null });
    }
  }
  slots.sort((a, b) => a.start.getTime() - b.start.getTime());
  assignEids(slots, eidKnots(ctx.anchor));

  for (const spec of SCENARIOS) slots.push(scenarioSlot(spec, ref, ctx.anchor));
  return slots.sort((a, b) => a.start.getTime() - b.start.getTime() || a.eid.localeCompare(b.eid));
}

/** Rising EIDs along the knots, at least one apart, never taking a scenario's reserved EID. */
function assignEids(slots: EventSlot[], knots: [number, number][]): void {
  let previous = 0;
  for (const slot of slots) {
    let n = Math.max(previous + 1, Math.round(interpolate(knots, slot.start.getTime())));
    while (SCENARIO_EIDS.has(`AB${n}`)) n++;
    slot.eid = `AB${n}`;
    previous = n;
  }
}
