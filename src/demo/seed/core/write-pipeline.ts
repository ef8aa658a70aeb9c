import type { Rng } from "../random.ts";
import type { SeedContext } from "../world.ts";
import type { PipelineRec, Sim } from "./state.ts";
import { calendar, DAY, milestone } from "./time.ts";
import { PRODUCERS } from "./write-events.ts";

const PAYMENT_METHOD_BY_COUNTRY: Readonly<Record<string, string>> = {
  US: "ZellePay",
  CA: "EMT",
  GB: "UK_Sort_Code",
  NL: "IBAN",
};

/** Status text before the Oct 2025 enum migration ('invited' is what the bot still counts). */
const OLD_STATUS: Readonly<Record<string, string>> = {
  accepted: "accepted",
  pending: "invited",
  expired: "invited",
  declined: "declined",
  withdrawn: "withdrawn",
};

function producerMessage(rng: Rng, r: PipelineRec): string {
  const first = r.artist.name.split(" ")[0] ?? r.artist.name;
  const city = r.event.city?.name ?? "our online battle";
  const date = r.event.startsAt.toISOString().slice(0, 10);
  return rng.pick([
    `Hi ${first}! We'd love to have you paint at ${r.event.eid} in ${city} on ${date}. Let us know if you're in.`,
    `${first}, you're invited to compete at Art Battle ${city} (${r.event.eid}). Please confirm by replying to this invitation.`,
    `Hello ${first}, a spot opened up for ${r.event.eid} (${city}, ${date}). Interested?`,
  ]);
}

function* invitationRows(sim: Sim, rows: PipelineRec[], enumMigration: Date) {
  const rng = sim.ctx.rng("core:write:invitations");
  for (const r of rows) {
    yield [
      rng.uuid(),
      String(r.artist.entryId),
      r.event.eid,
      r.brokenLink ? null : r.artist.id,
      producerMessage(rng, r),
      r.status,
      r.createdAt < enumMigration ? (OLD_STATUS[r.status] ?? r.status) : null,
      r.decidedAt,
      r.createdAt,
      { sent_by: rng.pick(PRODUCERS), sent_at: r.createdAt.toISOString() },
      r.createdAt,
      r.decidedAt ?? r.createdAt,
    ];
  }
}

function* confirmationRows(sim: Sim, rows: PipelineRec[], formEra: Date, paymentEra: Date) {
  const rng = sim.ctx.rng("core:write:confirmations");
  for (const r of rows) {
    const withdrawn = r.status === "withdrawn";
    const recent = r.createdAt >= paymentEra;
    const handle = r.artist.instagram;
    yield [
      rng.uuid(),
      r.brokenLink ? null : r.artist.id,
      r.event.eid,
      String(r.artist.entryId),
      r.status,
      r.createdAt,
      r.createdAt,
      r.createdAt < formEra ? rng.int(1_000, 60_000) : null,
      { source: r.createdAt < formEra ? "form_19" : "artist_portal" },
      withdrawn ? r.decidedAt : null,
      withdrawn
        ? rng.pick(["Schedule conflict", "Illness", "Travel fell through", "Personal reasons"])
        : null,
      recent ? r.artist.name : null,
      recent ? { instagram: handle !== null, facebook: rng.chance(0.4) } : null,
      recent && handle ? { instagram: handle } : null,
      recent && rng.chance(0.3) ? "Looking forward to it!" : null,
      recent
        ? (PAYMENT_METHOD_BY_COUNTRY[r.artist.country ?? ""] ??
          rng.pick(["PayPal", "Bank_Transfer", "Decide_Later"]))
        : null,
      recent ? { terms: true, photo_release: true } : null,
      r.createdAt,
      r.decidedAt ?? r.createdAt,
    ];
  }
}

function* applicationRows(sim: Sim, rows: PipelineRec[]) {
  const rng = sim.ctx.rng("core:write:applications");
  for (const r of rows) {
    const updated =
      r.status === "pending"
        ? r.createdAt
        : new Date(Math.min(sim.ctx.anchor.getTime() - 60_000, r.createdAt.getTime() + rng.int(1, 20) * DAY));
    yield [
      rng.uuid(),
      r.artist.id,
      r.event.id,
      r.status,
      r.createdAt,
      updated,
      { source: "artist_portal" },
      null,
      r.event.eid,
      String(r.artist.entryId),
      rng.chance(0.4) ? `I'd love to paint at ${r.event.city?.name ?? "Art Battle"} again.` : null,
    ];
  }
}

/** artist_applications, artist_invitations and artist_confirmations. */
export async function writePipeline(ctx: SeedContext, sim: Sim): Promise<void> {
  const of = (kind: PipelineRec["kind"]) => sim.pipeline.filter((r) => r.kind === kind);
  await ctx.copy(
    "artist_applications",
    [
      "id",
      "artist_profile_id",
      "event_id",
      "application_status",
      "applied_at",
      "updated_at",
      "metadata",
      "notes",
      "event_eid",
      "artist_number",
      "message_to_producer",
    ],
    applicationRows(sim, of("application")),
  );
  await ctx.copy(
    "artist_invitations",
    [
      "id",
      "artist_number",
      "event_eid",
      "artist_profile_id",
      "message_from_producer",
      "status",
      "status_old",
      "accepted_at",
      "entry_date",
      "metadata",
      "created_at",
      "updated_at",
    ],
    invitationRows(sim, of("invitation"), milestone(ctx.anchor, "invitationEnum")),
  );
  await ctx.copy(
    "artist_confirmations",
    [
      "id",
      "artist_profile_id",
      "event_eid",
      "artist_number",
      "confirmation_status",
      "entry_date",
      "confirmation_date",
      "form_19_entry_id",
      "metadata",
      "withdrawn_at",
      "withdrawal_reason",
      "legal_name",
      "social_promotion_consent",
      "social_usernames",
      "message_to_organizers",
      "payment_method",
      "legal_agreements",
      "created_at",
      "updated_at",
    ],
    confirmationRows(
      sim,
      of("confirmation"),
      calendar(ctx.anchor, "2024-01-01"),
      milestone(ctx.anchor, "entrySequence"),
    ),
  );
}
