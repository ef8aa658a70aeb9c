import type { CopyValue } from "../copy.ts";
import type { Rng } from "../random.ts";
import type { SeedContext, WorldArtist } from "../world.ts";
import type { PaymentPlan } from "./payments.ts";
import { at, CURRENCY_BY_COUNTRY, DAY, HOUR, MINUTE, token, type WorldIndex } from "./shared.ts";

export type GlobalStatus = "invited" | "in_review" | "ready" | "blocked" | "rejected";

/** Stripe Global Payouts accounts by artist id (what the payment writer and invitations need). */
export interface Accounts {
  global: Map<string, { status: GlobalStatus; recipientId: string | null; createdAt: Date }>;
  /** Legacy Stripe Connect account id per artist, for those whose onboarding completed. */
  connect: Map<string, string>;
}

function country(artist: WorldArtist): string {
  return (artist.country || "US").slice(0, 2).toUpperCase();
}

function recipientId(rng: Rng): string {
  return `acct_1${rng.code(15, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")}`;
}

/** Artists who painted recently, in a stable order: the population that gets onboarding invites. */
function recentContestants(index: WorldIndex, since: Date): string[] {
  const seen = new Set<string>();
  for (const event of index.eventsByStart) {
    if (event.startsAt < since) continue;
    for (const id of index.world.contestantsByEvent.get(event.id) ?? []) seen.add(id);
  }
  return [...seen];
}

function chooseGlobalStatuses(
  ctx: SeedContext,
  index: WorldIndex,
  plan: PaymentPlan,
): Map<string, GlobalStatus> {
  const rng = ctx.rng("commerce:global-payments:status");
  const statuses = new Map<string, GlobalStatus>();
  for (const id of [...plan.ready].sort()) statuses.set(id, "ready");
  for (const id of [...plan.manualPath].sort()) statuses.set(id, "invited");
  for (const id of [...plan.owedArtists].sort()) {
    if (statuses.has(id)) continue;
    const status = rng.weighted<GlobalStatus | null>([
      ["ready", 35],
      ["invited", 20],
      ["in_review", 10],
      [null, 35],
    ]);
    if (status) statuses.set(id, status);
  }
  const target = ctx.count(300);
  const pool = recentContestants(index, plan.launch).filter((id) => !statuses.has(id));
  for (const id of rng.sample(pool, Math.max(0, target - statuses.size))) {
    statuses.set(
      id,
      rng.weighted<GlobalStatus>([
        ["invited", 45],
        ["in_review", 15],
        ["ready", 30],
        ["blocked", 5],
        ["rejected", 5],
      ]),
    );
  }
  return statuses;
}

export async function seedGlobalPayments(
  ctx: SeedContext,
  index: WorldIndex,
  plan: PaymentPlan,
  accounts: Accounts,
): Promise<void> {
  const statuses = chooseGlobalStatuses(ctx, index, plan);
  const rng = ctx.rng("commerce:global-payments");
  const rows: CopyValue[][] = [];
  const span = ctx.anchor.getTime() - plan.launch.getTime();
  // A ready account must predate the first Stripe payout it received.
  const firstPayout = new Map<string, number>();
  for (const p of plan.payments) {
    if (p.type !== "automated") continue;
    const seen = firstPayout.get(p.artistId);
    if (seen === undefined || p.createdAt.getTime() < seen)
      firstPayout.set(p.artistId, p.createdAt.getTime());
  }
  for (const [artistId, status] of statuses) {
    const artist = index.artistById.get(artistId);
    if (!artist) continue;
    const code = country(artist);
    const first = firstPayout.get(artistId);
    const createdAt =
      first === undefined
        ? at(plan.launch, rng.float(0, 0.9) * span)
        : new Date(Math.max(plan.launch.getTime() - 20 * DAY, first - rng.float(1, 20) * DAY));
    const recipient = status === "invited" ? null : recipientId(rng);
    const pendingOnboarding = status === "invited" || status === "in_review";
    const updatedAt = at(createdAt, rng.int(10, 60 * 24 * 10) * MINUTE);
    const legacy = accounts.connect.get(artistId) ?? null;
    accounts.global.set(artistId, { status, recipientId: recipient, createdAt });
    rows.push([
      rng.uuid(),
      artistId,
      recipient,
      legacy,
      legacy && status === "ready" ? at(createdAt, rng.int(5, 120) * MINUTE) : null,
      status,
      code,
      CURRENCY_BY_COUNTRY[code] ?? "USD",
      pendingOnboarding ? `https://artists.example.org/payments/onboard/${token(rng, 20)}` : null,
      pendingOnboarding ? at(createdAt, 7 * DAY) : null,
      createdAt,
      updatedAt.getTime() > ctx.anchor.getTime() ? at(ctx.anchor, -HOUR) : updatedAt,
      {
        account_region: code === "CA" ? "canada" : "international",
        onboarding_source: rng.chance(0.6) ? "artist_portal" : "admin_invite",
      },
    ]);
  }
  await ctx.copy(
    "artist_global_payments",
    [
      "id",
      "artist_profile_id",
      "stripe_recipient_id",
      "legacy_stripe_connect_account_id",
      "migration_completed_at",
      "status",
      "country",
      "default_currency",
      "onboarding_url",
      "onboarding_url_expires_at",
      "created_at",
      "updated_at",
      "metadata",
    ],
    rows,
  );
}

const ONBOARDING = [
  ["completed", 70],
  ["pending", 14],
  ["not_started", 8],
  ["restricted", 6],
  ["rejected", 2],
] as const;

/** Legacy Stripe Connect accounts: mostly artists paid before the Global Payouts launch. */
export async function seedStripeAccounts(
  ctx: SeedContext,
  index: WorldIndex,
  plan: PaymentPlan,
): Promise<Accounts> {
  const accounts: Accounts = { global: new Map(), connect: new Map() };
  const rng = ctx.rng("commerce:stripe-accounts");
  const target = ctx.count(250);
  const chosen = [...plan.stripeConnect].sort();
  const legacyEarners = [
    ...new Set(index.world.art.filter((a) => a.status === "paid").map((a) => a.artistId)),
  ]
    .filter((id): id is string => id !== null && !plan.stripeConnect.has(id))
    .sort();
  chosen.push(...rng.sample(legacyEarners, Math.max(0, target - chosen.length)));
  const rows: CopyValue[][] = [];
  for (const artistId of chosen) {
    const artist = index.artistById.get(artistId);
    if (!artist) continue;
    const forced = plan.stripeConnect.has(artistId);
    const status = forced ? "completed" : rng.weighted(ONBOARDING);
    const done = status === "completed";
    const code = country(artist);
    const createdAt = at(plan.launch, -rng.int(30, 700) * DAY - rng.int(0, 86_399) * 1000);
    const accountId = status === "not_started" ? null : recipientId(rng);
    if (accountId && done) accounts.connect.set(artistId, accountId);
    rows.push([
      rng.uuid(),
      artistId,
      accountId,
      rng.weighted([
        ["express", 85],
        ["standard", 10],
        ["custom", 5],
      ] as const),
      status,
      done,
      done || (status === "restricted" && rng.chance(0.3)),
      done || status === "restricted" || (status === "pending" && rng.chance(0.5)),
      code,
      (CURRENCY_BY_COUNTRY[code] ?? "USD").toLowerCase(),
      "individual",
      done ? null : `https://artists.example.org/stripe/onboard/${token(rng, 20)}`,
      done ? null : at(createdAt, 7 * DAY),
      createdAt,
      at(createdAt, rng.int(1, 120) * DAY),
      { created_via: "artist_portal", livemode: true },
    ]);
  }
  await ctx.copy(
    "artist_stripe_accounts",
    [
      "id",
      "artist_profile_id",
      "stripe_account_id",
      "stripe_account_type",
      "onboarding_status",
      "charges_enabled",
      "payouts_enabled",
      "details_submitted",
      "country",
      "currency",
      "business_type",
      "onboarding_url",
      "onboarding_url_expires_at",
      "created_at",
      "updated_at",
      "metadata",
    ],
    rows,
  );
  return accounts;
}
