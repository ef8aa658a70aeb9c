import type { Sql } from "../db/index.ts";

/** At most `limit` requests per `periodMs` for `key`, with bursts up to `limit`. */
export interface RateLimitRule {
  key: string;
  limit: number;
  periodMs: number;
}

export type RateLimitOutcome = { allowed: true } | { allowed: false; key: string; retryAfterMs: number };

/**
 * The GCRA decision for one key: allowed while the theoretical arrival time is at most
 * `period - period/limit` ahead of now; an allowed request moves it on by `period/limit`.
 */
export function gcra(
  tat: Date | null,
  now: Date,
  rule: Pick<RateLimitRule, "limit" | "periodMs">,
): { allowed: boolean; tat: Date; retryAfterMs: number } {
  const interval = rule.periodMs / rule.limit;
  const tolerance = rule.periodMs - interval;
  const start = Math.max(tat?.getTime() ?? 0, now.getTime());
  const ahead = start - now.getTime();
  if (ahead > tolerance) {
    return { allowed: false, tat: new Date(start), retryAfterMs: Math.ceil(ahead - tolerance) };
  }
  return { allowed: true, tat: new Date(start + interval), retryAfterMs: 0 };
}

/**
 * Take one request from every rule, all or none, in one transaction: the keys' rows are locked in
 * key order (no deadlocks between replicas), and a refusal by any rule charges none of them — the
 * original charged the user even when the channel then refused.
 */
export async function takeRateLimits(
  sql: Sql,
  rules: readonly RateLimitRule[],
  now = new Date(),
): Promise<RateLimitOutcome> {
  const ordered = [...rules].sort((a, b) => a.key.localeCompare(b.key));
  if (ordered.length === 0) return { allowed: true };
  return sql.begin(async (tx) => {
    const keys = ordered.map((r) => r.key);
    await tx`
      insert into arthur_rate_limits (key, tat)
      select k, ${now} from unnest(${keys}::text[]) as k
      on conflict (key) do nothing`;
    const rows = await tx<{ key: string; tat: Date }[]>`
      select key, tat from arthur_rate_limits where key = any(${keys}::text[]) order by key for update`;
    const decisions = ordered.map((rule) => ({
      rule,
      decision: gcra(rows.find((r) => r.key === rule.key)?.tat ?? null, now, rule),
    }));
    const refused = decisions.find((d) => !d.decision.allowed);
    if (refused)
      return { allowed: false, key: refused.rule.key, retryAfterMs: refused.decision.retryAfterMs };
    for (const { rule, decision } of decisions) {
      await tx`update arthur_rate_limits set tat = ${decision.tat}, updated_at = now() where key = ${rule.key}`;
    }
    return { allowed: true } as const;
  }) as Promise<RateLimitOutcome>;
}
