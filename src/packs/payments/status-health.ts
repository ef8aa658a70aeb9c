import { z } from "zod";
import { defineTool, eid } from "../../catalog/index.ts";
import type { Sql } from "../../db/index.ts";
import { capped, eventByEid, iso, money, saleValueSql, truncationNote } from "../data-read/shared.ts";
import { amountInCents, OWED_RULE, owedBalances, paymentOfEventSql } from "./money.ts";
import { ROLES_PAYMENTS_READ } from "./shared.ts";

/** Thresholds of the platform's own payment health check (artbattle-schema.md §4.5). */
const STUCK_PROCESSING_MINUTES = 5;
const MISSING_WEBHOOK_MINUTES = 10;
const RECENT_FAILURE_HOURS = 24;

export interface ArtStatusCount {
  status: string;
  artworks: number;
  sales: string;
}

export interface PaymentStatusTotal {
  status: string;
  currency: string;
  payments: number;
  amount: string;
}

export interface PaymentProblem {
  payment_id: string;
  artist_profile_id: string;
  artist: string;
  amount: string;
  currency: string;
  status: string;
  since: string | null;
  error_message: string | null;
}

export interface OwedWithoutPayout {
  artist_profile_id: string;
  artist: string;
  owed: string;
  currency: string | null;
  /** artist_global_payments.status, or "not set up". */
  payout_account: string;
}

export interface PaymentStatusHealthResult {
  eid: string;
  event: string;
  currency: string | null;
  healthy: boolean;
  /** One line per kind of problem found; empty when healthy. */
  issues: string[];
  art_by_status: ArtStatusCount[];
  payments_by_status: PaymentStatusTotal[];
  /** Processing for more than 5 minutes. */
  stuck_processing: PaymentProblem[];
  /** Marked paid more than 10 minutes ago without the payout webhook confirming it. */
  missing_webhook: PaymentProblem[];
  /** Failed in the last 24 hours. */
  recent_failures: PaymentProblem[];
  /** Artists owed for this event with no payout pending or processing. */
  owed_without_payout: OwedWithoutPayout[];
  rule: string;
  truncated: boolean;
}

function problems(sql: Sql, eventId: string, condition: ReturnType<Sql>, limit: number) {
  return sql<(Omit<PaymentProblem, "since"> & { since: Date | null })[]>`
    select p.id as payment_id, p.artist_profile_id, ap.name as artist, p.gross_amount::text as amount,
           p.currency, p.status, coalesce(p.updated_at, p.created_at) as since, p.error_message
    from artist_payments p
    left join art pa on pa.id = p.art_id
    join artist_profiles ap on ap.id = p.artist_profile_id
    where ${paymentOfEventSql(sql, eventId)} and ${condition}
    order by coalesce(p.updated_at, p.created_at), p.id
    limit ${limit}`;
}

const withIso = (rows: (Omit<PaymentProblem, "since"> & { since: Date | null })[]): PaymentProblem[] =>
  rows.map((row) => ({ ...row, since: iso(row.since) }));

export const getPaymentStatusHealth = defineTool({
  name: "get_payment_status_health",
  domain: "payments",
  title: "Payment health of an event",
  description:
    "Is anything wrong with artist payouts for one event (eid)? Checks payouts processing for more than 5 minutes, " +
    "payouts marked paid over 10 minutes ago with no webhook confirmation, payouts that failed in the last 24 hours, " +
    "and artists owed for the event with no payout under way (with their payout-account status). Also counts " +
    "artworks and payments by status, amounts per currency. healthy = none of those problems. Use it for " +
    "'are AB4001's artist payments OK?'. For the amounts owed use get_artists_owed.",
  input: z.strictObject({ eid: eid() }),
  policy: { roles: ROLES_PAYMENTS_READ, risk: "low", maxCallsPerRequest: 2, passthrough: true },
  async handler(args, { sql, rowCap }): Promise<PaymentStatusHealthResult> {
    const event = await eventByEid(sql, args.eid);
    const limit = rowCap + 1;
    const [art, payments, stuck, webhook, failures, balances] = await Promise.all([
      sql<ArtStatusCount[]>`
        select a.status::text as status, count(*)::int as artworks, sum(${saleValueSql(sql)})::text as sales
        from art a where a.event_id = ${event.id}
        group by 1 order by 1`,
      sql<PaymentStatusTotal[]>`
        select p.status, p.currency, count(*)::int as payments, sum(p.gross_amount)::text as amount
        from artist_payments p left join art pa on pa.id = p.art_id
        where ${paymentOfEventSql(sql, event.id)}
        group by 1, 2 order by 1, 2`,
      problems(
        sql,
        event.id,
        sql`p.status = 'processing'
            and coalesce(p.updated_at, p.created_at) < now() - make_interval(mins => ${STUCK_PROCESSING_MINUTES})`,
        limit,
      ),
      problems(
        sql,
        event.id,
        sql`p.status = 'paid' and p.webhook_confirmed_at is null
            and coalesce(p.paid_at, p.updated_at, p.created_at) < now() - make_interval(mins => ${MISSING_WEBHOOK_MINUTES})`,
        limit,
      ),
      problems(
        sql,
        event.id,
        sql`p.status = 'failed'
            and coalesce(p.updated_at, p.created_at) > now() - make_interval(hours => ${RECENT_FAILURE_HOURS})`,
        limit,
      ),
      owedBalances(sql, { eventId: event.id }, { onlyOpen: true, limit: 10_000 }),
    ]);
    const waiting = balances.filter(
      (row) => amountInCents(row.owed) > 0n && amountInCents(row.in_flight) === 0n,
    );
    const accounts = waiting.length
      ? await sql<{ artist_profile_id: string; status: string }[]>`
          select artist_profile_id, status from artist_global_payments
          where artist_profile_id in ${sql(waiting.map((row) => row.artist_profile_id))}`
      : [];
    const accountOf = new Map(accounts.map((row) => [row.artist_profile_id, row.status]));
    const owedRows: OwedWithoutPayout[] = waiting.map((row) => ({
      artist_profile_id: row.artist_profile_id,
      artist: row.artist,
      owed: row.owed,
      currency: row.currency,
      payout_account: accountOf.get(row.artist_profile_id) ?? "not set up",
    }));
    const lists = {
      stuck: capped(withIso(stuck), rowCap),
      webhook: capped(withIso(webhook), rowCap),
      failures: capped(withIso(failures), rowCap),
      owed: capped(owedRows, rowCap),
    };
    const issues: string[] = [];
    if (stuck.length)
      issues.push(`${stuck.length} payout(s) processing for over ${STUCK_PROCESSING_MINUTES} minutes`);
    if (webhook.length)
      issues.push(
        `${webhook.length} payout(s) marked paid over ${MISSING_WEBHOOK_MINUTES} minutes ago without webhook confirmation`,
      );
    if (failures.length)
      issues.push(`${failures.length} payout(s) failed in the last ${RECENT_FAILURE_HOURS} hours`);
    if (owedRows.length) issues.push(`${owedRows.length} artist balance(s) owed with no payout under way`);
    return {
      eid: event.eid,
      event: event.name,
      currency: event.currency,
      healthy: issues.length === 0,
      issues,
      art_by_status: art,
      payments_by_status: payments,
      stuck_processing: lists.stuck.rows,
      missing_webhook: lists.webhook.rows,
      recent_failures: lists.failures.rows,
      owed_without_payout: lists.owed.rows,
      rule: OWED_RULE,
      truncated: Object.values(lists).some((list) => list.truncated),
    };
  },
  format(r) {
    const lines = [`Payment health for ${r.eid} ${r.event}: ${r.healthy ? "healthy" : "needs attention"}.`];
    for (const issue of r.issues) lines.push(`- ${issue}`);
    for (const row of r.owed_without_payout) {
      lines.push(
        `  • ${row.artist}: ${money(row.owed, row.currency)} owed, payout account ${row.payout_account}`,
      );
    }
    for (const row of [...r.stuck_processing, ...r.missing_webhook, ...r.recent_failures]) {
      lines.push(
        `  • ${row.artist}: ${money(row.amount, row.currency)} ${row.status} since ${row.since ?? "?"}`,
      );
    }
    lines.push(...truncationNote(r.truncated, r.owed_without_payout.length));
    return lines.join("\n");
  },
});
