import type { SeedContext } from "../world.ts";
import type { PeopleBook } from "./people.ts";
import { calendar, DAY, HOUR } from "./time.ts";

/**
 * Once activity is known: nobody is created after their first vote, bid or check-in, and people
 * active since phone sign-in launched (2025) mostly have a Supabase auth user with auth_phone.
 */
export function finalizePeople(ctx: SeedContext, book: PeopleBook): void {
  const rng = ctx.rng("core:people:final");
  const authLaunch = calendar(ctx.anchor, "2025-05-01").getTime();
  const latest = ctx.anchor.getTime() - HOUR;
  for (const p of book.people) {
    if (p.firstActivity < p.createdAt.getTime()) {
      p.createdAt = new Date(p.firstActivity - rng.int(1, 45) * DAY - rng.int(0, 86_399) * 1000);
    }
    if (!p.phone) continue;
    const recent = p.lastActivity >= authLaunch;
    if (rng.chance(recent ? 0.85 : 0.08)) {
      p.authUserId = rng.uuid();
      const from = Math.max(p.createdAt.getTime(), authLaunch - 60 * DAY);
      const until = Math.min(
        latest,
        Math.max(from, p.firstActivity >= authLaunch ? p.firstActivity : latest),
      );
      p.authCreatedAt = new Date(from + Math.floor(rng.next() * Math.max(HOUR, until - from)));
      if (p.authCreatedAt.getTime() > latest) p.authCreatedAt = new Date(latest);
    }
  }
}
