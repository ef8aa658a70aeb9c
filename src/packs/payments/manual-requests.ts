import { z } from "zod";
import { defineTool, eid, text } from "../../catalog/index.ts";
import { capped, iso, money, truncationNote } from "../data-read/shared.ts";
import { ROLES_PAYMENTS_READ } from "./shared.ts";

const input = z.strictObject({
  eid: eid().optional(),
  status: text("Request status, e.g. pending or paid", 50).optional(),
});

export interface ManualPaymentRequest {
  id: string;
  artist_profile_id: string;
  artist: string;
  email: string | null;
  status: string | null;
  payment_method: string | null;
  /** Free-form bank or Interac details typed by the artist. */
  payment_details: string;
  country_code: string | null;
  preferred_currency: string | null;
  requested_amount: string | null;
  events_referenced: string[];
  admin_notes: string | null;
  created_at: string | null;
  processed_at: string | null;
}

export interface ManualPaymentRequestsResult {
  scope: { eid: string | null; status: string | null };
  /** Newest first. */
  requests: ManualPaymentRequest[];
  truncated: boolean;
}

export const getManualPaymentRequests = defineTool({
  name: "get_manual_payment_requests",
  domain: "payments",
  title: "Manual payment requests",
  description:
    "Requests artists submitted to be paid by hand (bank transfer, Interac, PayPal…) instead of Stripe, newest " +
    "first: artist, status, method, requested amount and preferred currency, the events it refers to, admin notes. " +
    "Filter by eid (requests that reference that event) and/or status (e.g. 'pending'). At most one request per " +
    "artist is pending. Use it for 'who asked to be paid manually?'. It does not say what the artist is owed " +
    "(get_artists_owed); the requested amount is the artist's own figure.",
  input,
  pii: { email: "email", payment_details: "card" },
  policy: { roles: ROLES_PAYMENTS_READ, risk: "low", maxCallsPerRequest: 2, passthrough: true },
  async handler(args, { sql, rowCap }): Promise<ManualPaymentRequestsResult> {
    // EIDs in events_referenced are stored as the artist app wrote them; compare upper-cased.
    const rows = await sql<
      (Omit<ManualPaymentRequest, "created_at" | "processed_at"> & {
        created_at: Date | null;
        processed_at: Date | null;
      })[]
    >`
      select r.id, r.artist_profile_id, ap.name as artist, coalesce(pe.email, ap.email) as email, r.status,
             r.payment_method, r.payment_details, r.country_code, r.preferred_currency,
             r.requested_amount::text, coalesce(r.events_referenced, '{}') as events_referenced, r.admin_notes,
             r.created_at, r.processed_at
      from artist_manual_payment_requests r
      join artist_profiles ap on ap.id = r.artist_profile_id
      left join people pe on pe.id = r.person_id
      where true
        ${args.eid ? sql`and exists (select 1 from unnest(r.events_referenced) x where upper(trim(x)) = ${args.eid})` : sql``}
        ${args.status ? sql`and lower(r.status) = lower(${args.status})` : sql``}
      order by r.created_at desc nulls last, r.id
      limit ${rowCap + 1}`;
    const cut = capped(rows, rowCap);
    return {
      scope: { eid: args.eid ?? null, status: args.status ?? null },
      requests: cut.rows.map((r) => ({
        ...r,
        created_at: iso(r.created_at),
        processed_at: iso(r.processed_at),
      })),
      truncated: cut.truncated,
    };
  },
  format(r) {
    const what = [r.scope.eid, r.scope.status].filter(Boolean).join(", ");
    const lines = [`Manual payment requests${what ? ` (${what})` : ""}: ${r.requests.length}`];
    for (const q of r.requests) {
      lines.push(
        `- ${(q.created_at ?? "").slice(0, 10)} ${q.artist}: ${q.status ?? "?"}, ` +
          `${money(q.requested_amount, q.preferred_currency)} via ${q.payment_method ?? "unspecified"}` +
          `${q.events_referenced.length > 0 ? ` for ${q.events_referenced.join(", ")}` : ""}`,
      );
    }
    lines.push(...truncationNote(r.truncated, r.requests.length));
    return lines.join("\n");
  },
});
