import type { CopyValue } from "../copy.ts";
import type { Rng } from "../random.ts";
import type { SeedContext, WorldArtist } from "../world.ts";
import type { Accounts } from "./accounts.ts";
import { unitsToCents } from "./earnings.ts";
import type { PaymentPlan } from "./payments.ts";
import { at, DAY, HOUR, MINUTE, money, notAfter, STAFF, type WorldIndex } from "./shared.ts";

/** Free-text payout details as artists type them, by country (all numbers are placeholders). */
function payoutDetails(rng: Rng, artist: WorldArtist): { method: string | null; details: string } {
  const email = artist.email ?? `${artist.name.toLowerCase().replace(/[^a-z]+/g, ".")}@example.com`;
  switch ((artist.country || "US").slice(0, 2).toUpperCase()) {
    case "CA":
      return { method: rng.chance(0.5) ? "interac" : null, details: `Interac e-Transfer to ${email}` };
    case "US":
      return rng.chance(0.6)
        ? { method: rng.chance(0.5) ? "zelle" : null, details: `Zelle: ${email}` }
        : { method: "cashapp", details: `Cash App $${artist.name.replace(/[^A-Za-z]+/g, "")}` };
    case "GB":
      return {
        method: null,
        details: `UK bank transfer, sort code 00-00-00, account 0000${rng.int(1000, 9999)}`,
      };
    case "AU":
    case "NZ":
      return { method: "other", details: `Bank deposit BSB 000-000, account 00${rng.int(100000, 999999)}` };
    default:
      return rng.chance(0.5)
        ? { method: "paypal", details: `PayPal ${email}` }
        : {
            method: "swift",
            details: `SWIFT/IBAN XX00 TEST 0000 ${rng.int(1000, 9999)} ${rng.int(1000, 9999)}`,
          };
  }
}

const REQUEST_COLUMNS = [
  "id",
  "artist_profile_id",
  "person_id",
  "payment_method",
  "payment_details",
  "country_code",
  "preferred_currency",
  "status",
  "admin_notes",
  "processed_by",
  "processed_at",
  "requested_amount",
  "events_referenced",
  "created_at",
  "updated_at",
] as const;

interface RequestSpec {
  artistId: string;
  currency: string;
  cents: number;
  eids: string[];
  status: "pending" | "in_review" | "approved" | "paid" | "rejected";
  createdAt: Date;
  processedAt: Date | null;
  notes: string | null;
}

/** Requests: the scenario's pending one, paid ones behind manual payouts, open ones from owed artists. */
function requestSpecs(ctx: SeedContext, plan: PaymentPlan, accounts: Accounts): RequestSpec[] {
  const rng = ctx.rng("commerce:manual-requests:plan");
  const target = ctx.count(50, 3);
  const specs: RequestSpec[] = plan.pendingRequests.map((p) => ({
    ...p,
    cents: p.amountCents,
    status: "pending",
    processedAt: null,
    notes: null,
  }));
  for (const settled of rng.sample(plan.manualSettled, Math.ceil(target * 0.45))) {
    specs.push({
      ...settled,
      status: "paid",
      createdAt: at(settled.paidAt, -rng.int(2, 12) * DAY),
      processedAt: settled.paidAt,
      notes: rng.chance(0.5) ? "Paid by e-transfer, reference in artist_payments" : null,
    });
  }
  const open = plan.owed.filter(
    (o) => accounts.global.get(o.artistId)?.status !== "ready" && !plan.manualPath.has(o.artistId),
  );
  const taken = new Set(specs.filter((s) => s.status === "pending").map((s) => s.artistId));
  for (const owed of rng.sample(open, open.length)) {
    if (specs.length >= target) break;
    const last = owed.events[owed.events.length - 1];
    if (!last || taken.has(owed.artistId)) continue;
    const createdAt = at(last.event.startsAt, rng.int(14, 40) * DAY);
    if (createdAt > ctx.anchor) continue;
    const status = rng.weighted([
      ["pending", 6],
      ["in_review", 2],
      ["approved", 1],
      ["rejected", 1],
    ] as const);
    if (status === "pending") taken.add(owed.artistId);
    specs.push({
      artistId: owed.artistId,
      currency: owed.currency,
      cents: unitsToCents(owed.units),
      eids: owed.events.map((e) => e.event.eid),
      status,
      createdAt,
      processedAt: status === "pending" ? null : at(createdAt, rng.int(1, 72) * HOUR),
      notes: status === "rejected" ? "Amount does not match our records; asked the artist to resubmit" : null,
    });
  }
  return specs;
}

export async function seedManualRequests(
  ctx: SeedContext,
  index: WorldIndex,
  plan: PaymentPlan,
  accounts: Accounts,
): Promise<void> {
  const rng = ctx.rng("commerce:manual-requests");
  const staff = index.world.people.filter((p) => !p.isArtist).slice(0, 3);
  const rows: CopyValue[][] = [];
  for (const spec of requestSpecs(ctx, plan, accounts)) {
    const artist = index.artistById.get(spec.artistId);
    if (!artist?.personId) continue;
    const { method, details } = payoutDetails(rng, artist);
    const processedAt = spec.processedAt && spec.processedAt < ctx.anchor ? spec.processedAt : null;
    rows.push([
      rng.uuid(),
      artist.id,
      artist.personId,
      method,
      details,
      (artist.country || "US").slice(0, 3).toUpperCase(),
      spec.currency,
      spec.status,
      spec.notes,
      processedAt && staff.length > 0 ? rng.pick(staff).id : null,
      processedAt,
      money(spec.cents),
      spec.eids,
      spec.createdAt,
      processedAt ?? spec.createdAt,
    ]);
  }
  await ctx.copy("artist_manual_payment_requests", REQUEST_COLUMNS, rows);
}

const INVITE_STATUS = [
  ["sent", 70],
  ["delivered", 12],
  ["opened", 8],
  ["clicked", 6],
  ["failed", 4],
] as const;

/** Setup invitations: every owed artist without a ready account first, then the onboarding pool. */
export async function seedSetupInvitations(
  ctx: SeedContext,
  index: WorldIndex,
  plan: PaymentPlan,
  accounts: Accounts,
): Promise<void> {
  const rng = ctx.rng("commerce:setup-invitations");
  const target = ctx.count(250);
  const owedNotReady = [...plan.owedArtists]
    .filter((id) => accounts.global.get(id)?.status !== "ready")
    .sort();
  const onboarding = [...accounts.global.keys()].filter((id) => !plan.owedArtists.has(id)).sort();
  const rows: CopyValue[][] = [];
  for (const artistId of [...owedNotReady, ...onboarding]) {
    if (rows.length >= target) break;
    const artist = index.artistById.get(artistId);
    if (!artist || (!artist.email && !artist.phone)) continue;
    const account = accounts.global.get(artistId);
    let sentAt = account
      ? at(account.createdAt, -rng.int(1, 72) * HOUR)
      : at(ctx.anchor, -rng.int(2, 60) * DAY - rng.int(0, 600) * MINUTE);
    for (const type of ["payment_setup", "reminder", "follow_up"] as const) {
      if (type !== "payment_setup" && !rng.chance(type === "reminder" ? 0.3 : 0.2)) break;
      if (sentAt > ctx.anchor) break;
      const method = artist.phone
        ? rng.weighted([
            ["email", 70],
            ["sms", 12],
            ["both", 18],
          ] as const)
        : "email";
      const status = rng.weighted(INVITE_STATUS);
      rows.push([
        rng.uuid(),
        artistId,
        method,
        method === "sms" ? null : (artist.email ?? null),
        method === "email" ? null : artist.phone,
        rng.pick([STAFF.payments, ...STAFF.admins]),
        sentAt,
        status,
        type,
        `Hi ${artist.name.split(" ")[0]}, set up your Art Battle payment account so we can send your auction earnings: https://artists.example.org/payments`,
        { provider: method === "sms" ? "telnyx" : "aws_ses", message_id: rng.uuid() },
        status === "failed" ? rng.pick(["Mailbox unavailable (550)", "Invalid phone number format"]) : null,
        sentAt,
        notAfter(at(sentAt, rng.int(1, 600) * MINUTE), ctx.anchor),
      ]);
      sentAt = at(sentAt, rng.int(5, 21) * DAY);
    }
  }
  await ctx.copy(
    "payment_setup_invitations",
    [
      "id",
      "artist_profile_id",
      "invitation_method",
      "recipient_email",
      "recipient_phone",
      "sent_by",
      "sent_at",
      "status",
      "invitation_type",
      "message_content",
      "delivery_metadata",
      "error_message",
      "created_at",
      "updated_at",
    ],
    rows,
  );
}

/** The newer admin-send-payment-invite flow: a few recent invites to owed artists. */
export async function seedPaymentInvitations(
  ctx: SeedContext,
  index: WorldIndex,
  plan: PaymentPlan,
): Promise<void> {
  const rng = ctx.rng("commerce:payment-invitations");
  const pool = [...plan.owedArtists].sort();
  const rows: CopyValue[][] = [];
  for (const artistId of rng.sample(pool, ctx.count(30, 2))) {
    const artist = index.artistById.get(artistId);
    if (!artist) continue;
    const sentAt = at(ctx.anchor, -rng.int(1, 30) * DAY - rng.int(0, 1439) * MINUTE);
    rows.push([
      rng.uuid(),
      artistId,
      "email",
      rng.chance(0.8) ? "sent" : "opened",
      artist.email,
      null,
      rng.chance(0.3) ? "You have earnings waiting from your last Art Battle!" : null,
      rng.chance(0.2) ? "Asked by the producer after the show" : null,
      rng.pick(STAFF.admins),
      sentAt,
      { source: "admin-send-payment-invite" },
      sentAt,
    ]);
  }
  await ctx.copy(
    "payment_invitations",
    [
      "id",
      "artist_profile_id",
      "invite_type",
      "status",
      "recipient_email",
      "recipient_phone",
      "custom_message",
      "admin_note",
      "sent_by",
      "sent_at",
      "metadata",
      "created_at",
    ],
    rows,
  );
}
