import { z } from "zod";
import { defineTool, eid } from "../../catalog/index.ts";
import { capped, eventByEid, iso, money, truncationNote } from "../data-read/shared.ts";
import { ROLES_MARKETING_FINANCE_READ, shortUtc } from "./shared.ts";

const input = z.strictObject({ eid: eid() });

/** Payment statuses that count as money committed by a sponsor. */
export const COMMITTED_STATUSES = ["paid", "completed"] as const;

const MONEY_RULE =
  "Committed = total_amount of purchases whose payment_status is paid (or completed); pending, refunded and " +
  "failed purchases are shown apart. Every total is per currency; amounts in different currencies are never added.";

/** Sponsorship money in one currency. Amounts are exact decimals as text. */
export interface SponsorshipCurrencyTotal {
  currency: string | null;
  purchases: number;
  committed: string;
  committed_purchases: number;
  pending: string;
  refunded: string;
  failed: string;
}

export interface SponsorshipInvite {
  id: string;
  prospect_name: string | null;
  prospect_email: string | null;
  prospect_company: string | null;
  discount_percent: string | null;
  view_count: number;
  last_viewed_at: string | null;
  valid_until: string | null;
  /** valid_until has passed. */
  expired: boolean;
  /** A purchase was made through this invite. */
  purchased: boolean;
  created_by: string | null;
  created_at: string | null;
}

export interface SponsorshipPurchase {
  id: string;
  buyer_name: string;
  buyer_email: string;
  buyer_company: string | null;
  /** Main package name (from the catalogue, else the purchase's snapshot). */
  package: string | null;
  addons: number;
  subtotal: string;
  discount_amount: string | null;
  tax_amount: string | null;
  total_amount: string;
  currency: string | null;
  payment_status: string | null;
  fulfillment_status: string | null;
  created_at: string | null;
  paid_at: string | null;
}

export interface SponsorshipSummaryResult {
  eid: string;
  name: string;
  money_rule: string;
  totals: SponsorshipCurrencyTotal[];
  invites_summary: { invites: number; viewed: number; total_views: number; purchased: number };
  /** Newest first. */
  invites: SponsorshipInvite[];
  invites_truncated: boolean;
  /** Newest first. */
  purchases: SponsorshipPurchase[];
  purchases_truncated: boolean;
}

type InviteRow = Omit<SponsorshipInvite, "last_viewed_at" | "valid_until" | "created_at"> & {
  last_viewed_at: Date | null;
  valid_until: Date | null;
  created_at: Date | null;
};
type PurchaseRow = Omit<SponsorshipPurchase, "created_at" | "paid_at"> & {
  created_at: Date | null;
  paid_at: Date | null;
};

export const getSponsorshipSummary = defineTool({
  name: "get_sponsorship_summary",
  domain: "growth-marketing",
  title: "Sponsorship sales for an event",
  description:
    "Sponsorship pipeline and sales for one event (eid): totals per currency (committed = paid purchases, plus " +
    "pending, refunded and failed amounts, never added across currencies), invite funnel (invites sent, viewed, " +
    "views, converted), the newest invites (prospect, company, discount, views, expiry, whether it converted) " +
    "and the newest purchases (buyer, package, amounts, currency, payment and fulfilment status). Use it for " +
    "'how much sponsorship has AB4120 sold?' or 'who viewed the sponsor invite?'.",
  input,
  pii: { prospect_email: "email", buyer_email: "email" },
  policy: { roles: ROLES_MARKETING_FINANCE_READ, risk: "low", maxCallsPerRequest: 2 },
  async handler(args, { sql, rowCap }): Promise<SponsorshipSummaryResult> {
    const event = await eventByEid(sql, args.eid);
    const committed = sql`payment_status in ${sql([...COMMITTED_STATUSES])}`;
    const [totals, [funnel], invites, purchases] = await Promise.all([
      sql<SponsorshipCurrencyTotal[]>`
        select currency, count(*)::int as purchases,
               coalesce(sum(total_amount) filter (where ${committed}), 0)::text as committed,
               count(*) filter (where ${committed})::int as committed_purchases,
               coalesce(sum(total_amount) filter (where payment_status = 'pending'), 0)::text as pending,
               coalesce(sum(total_amount) filter (where payment_status = 'refunded'), 0)::text as refunded,
               coalesce(sum(total_amount) filter (where payment_status = 'failed'), 0)::text as failed
        from sponsorship_purchases where event_id = ${event.id}
        group by currency order by currency nulls last
        limit ${rowCap}`,
      sql<SponsorshipSummaryResult["invites_summary"][]>`
        select count(*)::int as invites,
               count(*) filter (where coalesce(i.view_count, 0) > 0)::int as viewed,
               coalesce(sum(i.view_count), 0)::int as total_views,
               count(*) filter (where exists (select 1 from sponsorship_purchases p where p.invite_id = i.id))::int
                 as purchased
        from sponsorship_invites i where i.event_id = ${event.id}`,
      sql<InviteRow[]>`
        select i.id, i.prospect_name, i.prospect_email, i.prospect_company, i.discount_percent::text as discount_percent,
               coalesce(i.view_count, 0) as view_count, i.last_viewed_at, i.valid_until,
               coalesce(i.valid_until < now(), false) as expired,
               exists (select 1 from sponsorship_purchases p where p.invite_id = i.id) as purchased,
               i.created_by, i.created_at
        from sponsorship_invites i where i.event_id = ${event.id}
        order by i.created_at desc nulls last, i.id
        limit ${rowCap + 1}`,
      sql<PurchaseRow[]>`
        select p.id, p.buyer_name, p.buyer_email, p.buyer_company,
               coalesce(t.name, p.package_details->'main'->>'name') as package,
               coalesce(cardinality(p.addon_package_ids), 0) as addons,
               p.subtotal::text as subtotal, p.discount_amount::text as discount_amount,
               p.tax_amount::text as tax_amount, p.total_amount::text as total_amount, p.currency,
               p.payment_status, p.fulfillment_status, p.created_at, p.paid_at
        from sponsorship_purchases p
        left join sponsorship_package_templates t on t.id = p.main_package_id
        where p.event_id = ${event.id}
        order by p.created_at desc nulls last, p.id
        limit ${rowCap + 1}`,
    ]);
    const cutInvites = capped(invites, rowCap);
    const cutPurchases = capped(purchases, rowCap);
    return {
      eid: event.eid,
      name: event.name,
      money_rule: MONEY_RULE,
      totals,
      invites_summary: funnel ?? { invites: 0, viewed: 0, total_views: 0, purchased: 0 },
      invites: cutInvites.rows.map((i) => ({
        ...i,
        last_viewed_at: iso(i.last_viewed_at),
        valid_until: iso(i.valid_until),
        created_at: iso(i.created_at),
      })),
      invites_truncated: cutInvites.truncated,
      purchases: cutPurchases.rows.map((p) => ({
        ...p,
        created_at: iso(p.created_at),
        paid_at: iso(p.paid_at),
      })),
      purchases_truncated: cutPurchases.truncated,
    };
  },
  format(r) {
    const f = r.invites_summary;
    const lines = [
      `Sponsorship for ${r.eid} (${r.name}): ${f.invites} invites, ${f.viewed} viewed (${f.total_views} views), ` +
        `${f.purchased} converted`,
    ];
    if (r.totals.length === 0) lines.push("No sponsorship purchases.");
    for (const t of r.totals) {
      lines.push(
        `${t.currency ?? "(currency unknown)"}: committed ${money(t.committed, t.currency)} from ` +
          `${t.committed_purchases} of ${t.purchases} purchases; pending ${money(t.pending, t.currency)}, ` +
          `refunded ${money(t.refunded, t.currency)}, failed ${money(t.failed, t.currency)}`,
      );
    }
    for (const p of r.purchases) {
      lines.push(
        `- ${shortUtc(p.created_at)} ${p.buyer_company ?? p.buyer_name}: ${p.package ?? "?"}` +
          `${p.addons ? ` +${p.addons} add-ons` : ""}, ${money(p.total_amount, p.currency)} ` +
          `[${p.payment_status ?? "?"}, fulfilment ${p.fulfillment_status ?? "?"}]`,
      );
    }
    lines.push(...truncationNote(r.purchases_truncated, r.purchases.length));
    for (const i of r.invites) {
      lines.push(
        `- invite ${i.prospect_company ?? i.prospect_name ?? i.id}: ${i.discount_percent ?? "0"}% off, ` +
          `${i.view_count} views${i.purchased ? ", purchased" : ""}${i.expired ? ", expired" : ""}`,
      );
    }
    lines.push(...truncationNote(r.invites_truncated, r.invites.length), r.money_rule);
    return lines.join("\n");
  },
});
