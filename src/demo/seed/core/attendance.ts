import { pickDistinct } from "../allocate.ts";
import type { EventRec } from "./events.ts";
import type { Quota } from "./quotas.ts";
import { type Sim, touch } from "./state.ts";
import { at, MINUTE } from "./time.ts";
import { voteSplit } from "./voting.ts";

const WINDOW = 60 * MINUTE;
/** The first rotating code appears 45 minutes before the show. */
const FIRST_CODE_OFFSET = -45 * MINUTE;

/**
 * The people in the room: about one voter per 0.78 × rounds votes, mostly from the show's city
 * (its regulars first), everyone else from anywhere. Online shows draw from everywhere.
 */
export function attendeePool(sim: Sim, e: EventRec, q: Quota): number[] {
  const split = voteSplit(e, q);
  const rounds = split.filter((n) => n > 0).length || 1;
  const size = Math.max(20, ...split, Math.ceil(q.votes / (rounds * 0.78)));
  const local = e.city ? (sim.people.byCity.get(e.city.id) ?? []) : [];
  const population = sim.people.people.length;
  const pool = pickDistinct(sim.rng.votes, size, local, population, e.city ? 0.85 : 0);
  if (e.eid === "AB4002") {
    const jordan = sim.people.named.jordan.index;
    if (!pool.includes(jordan)) pool[0] = jordan;
  }
  return pool;
}

/** Hourly QR codes of a show: 8 characters from [A-Z0-9]. */
function eventCodes(sim: Sim): string[] {
  return Array.from({ length: 5 }, () => sim.rng.scans.code(8));
}

/**
 * QR check-ins since the QR system launched: 90–300 scanners per show, most of them voters,
 * about 7% rejected (a share of those rescan successfully). Returns who has a valid scan.
 */
export function scanAttendance(sim: Sim, e: EventRec, pool: number[]): Set<number> {
  const valid = new Set<number>();
  if (!e.qrEra || e.phase === "upcoming") return valid;
  const rng = sim.rng.scans;
  const population = sim.people.people.length;
  const target = Math.min(
    population,
    Math.max(90, Math.min(300, Math.round(pool.length * (0.7 + rng.next() * 0.5)))),
  );
  const fromPool = rng.sample(pool, Math.min(pool.length, Math.round(target * 0.85)));
  const local = e.city ? (sim.people.byCity.get(e.city.id) ?? []) : [];
  const others = pickDistinct(rng, target - fromPool.length, local, population, 0.85, new Set(fromPool));
  const codes = eventCodes(sim);
  const first = e.startsAt.getTime() - 30 * MINUTE;
  const latest = e.phase === "live" ? sim.ctx.anchor.getTime() - MINUTE : first + 150 * MINUTE;
  const codeAt = (t: number) =>
    codes[Math.floor((t - e.startsAt.getTime() - FIRST_CODE_OFFSET) / WINDOW)] as string;
  const scan = (person: number, t: number, ok: boolean) => {
    sim.scans.push({ person, event: e, code: codeAt(t), at: t, valid: ok });
    touch(sim, person, t);
    const p = sim.people.people[person];
    if (p && (!p.lastQrScanAt || p.lastQrScanAt.getTime() < t)) {
      p.lastQrScanAt = new Date(t);
      p.lastQrEventId = e.id;
    }
    if (ok) valid.add(person);
  };
  for (const person of [...fromPool, ...others]) {
    const t = first + Math.floor(rng.next() * (latest - first));
    if (rng.chance(0.93)) scan(person, t, true);
    else {
      scan(person, t, false);
      if (rng.chance(0.4) && t + 2 * MINUTE < latest) scan(person, t + rng.int(1, 2) * MINUTE, true);
    }
  }
  if (e.phase === "live") liveCodes(sim, e, codes);
  return valid;
}

/**
 * The live show's current code (active, expires within the hour) and the one it replaced, not yet
 * removed by cleanup_expired_qr_codes(). Past shows keep no qr_codes rows, as in production.
 */
function liveCodes(sim: Sim, e: EventRec, codes: string[]): void {
  const k = Math.floor((sim.ctx.anchor.getTime() - e.startsAt.getTime() - FIRST_CODE_OFFSET) / WINDOW);
  for (const i of [k - 1, k]) {
    const generatedAt = at(e.startsAt, FIRST_CODE_OFFSET + i * WINDOW);
    sim.qrCodes.push({
      code: codes[i] as string,
      event: e,
      generatedAt,
      expiresAt: at(generatedAt, WINDOW),
      active: i === k,
    });
  }
}
