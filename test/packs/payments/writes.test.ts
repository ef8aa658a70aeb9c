import { describe, expect, it } from "vitest";
import { LocalEdgeFunctions } from "../../../src/edge/index.ts";
import {
  getPaymentStatusHealth,
  processArtistPayment,
  sendPaymentReminder,
} from "../../../src/packs/payments/index.ts";
import type { PayArtistResult } from "../../../src/packs/payments/pay-artist.ts";
import type { PaymentReminderResult } from "../../../src/packs/payments/payment-reminder.ts";
import type { PaymentStatusHealthResult } from "../../../src/packs/payments/status-health.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { refusalOf, runReadTool, runWriteTool } from "../../helpers/tools.ts";

const db = useTestDatabase();

interface OwedArtist {
  artist_profile_id: string;
  name: string;
  owed: string;
  account: string | null;
}

/**
 * Artists owed for an event, computed here from the seeded rows (not by the money module): the
 * share of buyer-paid art minus that event's paid, verified, pending and processing payments.
 */
async function owedAt(eid: string): Promise<OwedArtist[]> {
  return db.sql<OwedArtist[]>`
    with ev as (select id, currency, artist_auction_portion as portion from events where eid = ${eid}),
    earned as (
      select a.artist_id, sum(coalesce(a.final_price, a.current_bid, 0) * ev.portion) as amount
      from art a, ev where a.event_id = ev.id and a.status = 'paid' group by 1),
    debits as (
      select p.artist_profile_id as artist_id, sum(p.gross_amount) as amount
      from artist_payments p left join art pa on pa.id = p.art_id, ev
      where p.currency = ev.currency and p.status in ('paid', 'verified', 'pending', 'processing')
        and coalesce(pa.event_id::text, p.metadata->>'event_id') = ev.id::text
      group by 1)
    select e.artist_id as artist_profile_id, ap.name, round(e.amount - coalesce(d.amount, 0), 2)::text as owed,
           g.status as account
    from earned e join artist_profiles ap on ap.id = e.artist_id
    left join debits d on d.artist_id = e.artist_id
    left join artist_global_payments g on g.artist_profile_id = e.artist_id
    where round(e.amount - coalesce(d.amount, 0), 2) > 0
    order by e.amount - coalesce(d.amount, 0) desc, ap.name`;
}

const paymentCount = async (artistId: string) =>
  (
    await db.sql<
      { n: number }[]
    >`select count(*)::int as n from artist_payments where artist_profile_id = ${artistId}`
  )[0]?.n;

describe("process_artist_payment", () => {
  it("pays an owed artist with a ready account through the payout function: one processing row for that event", async () => {
    const owed = await owedAt("AB4001");
    const artist = owed.find((row) => row.account === "ready");
    if (!artist) throw new Error("the AB4001 scenario has an owed artist with a ready payout account");
    const before = await paymentCount(artist.artist_profile_id);
    const amount = Math.min(Number(artist.owed), 10);
    const result = await runWriteTool<PayArtistResult>(
      db.sql,
      processArtistPayment,
      { eid: "ab4001", artist_profile_id: artist.artist_profile_id, amount, currency: "cad" },
      { edge: new LocalEdgeFunctions(db.sql), idempotencyKey: "test-pay-1" },
    );
    expect(result).toMatchObject({ currency: "CAD", status: "processing", owed_before: artist.owed });
    expect(await paymentCount(artist.artist_profile_id)).toBe((before ?? 0) + 1);
    const [row] = await db.sql<{ gross: string; status: string; eid: string; key: string }[]>`
      select p.gross_amount::text as gross, p.status, e.eid, p.metadata->>'idempotency_key' as key
      from artist_payments p join art a on a.id = p.art_id join events e on e.id = a.event_id
      where p.id = ${result.payment_id}`;
    expect(row).toEqual({ gross: amount.toFixed(2), status: "processing", eid: "AB4001", key: "test-pay-1" });
    // The payout in flight now counts against what is owed.
    const after = (await owedAt("AB4001")).find((r) => r.artist_profile_id === artist.artist_profile_id);
    expect(after?.owed ?? "0.00").toBe(result.owed_after);
  });

  it("refuses more than is owed for that event, another currency, and runs only under an approval", async () => {
    const [artist] = await owedAt("AB4001");
    if (!artist) throw new Error("AB4001 has owed artists");
    const edge = new LocalEdgeFunctions(db.sql);
    const before = await paymentCount(artist.artist_profile_id);
    const base = { eid: "AB4001", artist_profile_id: artist.artist_profile_id, currency: "CAD" };
    const tooMuch = await refusalOf(
      runWriteTool(
        db.sql,
        processArtistPayment,
        { ...base, amount: Number(artist.owed) + 0.01 },
        { edge, idempotencyKey: "k1" },
      ),
    );
    expect(tooMuch).toMatchObject({ code: "INVALID_ARGUMENT" });
    expect(tooMuch.message).toContain(`CAD ${artist.owed}`);
    const usd = await refusalOf(
      runWriteTool(
        db.sql,
        processArtistPayment,
        { ...base, currency: "USD", amount: 1 },
        { edge, idempotencyKey: "k2" },
      ),
    );
    expect(usd.message).toContain("sold in CAD");
    const unapproved = await refusalOf(
      runWriteTool(db.sql, processArtistPayment, { ...base, amount: 1 }, { edge }),
    );
    expect(unapproved).toMatchObject({ code: "APPROVAL_REQUIRED" });
    expect(() => processArtistPayment.input.parse({ ...base, amount: 1.005 })).toThrow("two decimals");
    expect(await paymentCount(artist.artist_profile_id)).toBe(before);
  });

  it("an artist without a ready payout account: the function refuses (UPSTREAM) and nothing is written", async () => {
    const artist = (await owedAt("AB4002")).find((row) => row.account !== "ready");
    if (!artist) throw new Error("AB4002 has an owed artist without a ready account");
    const before = await paymentCount(artist.artist_profile_id);
    const error = await refusalOf(
      runWriteTool(
        db.sql,
        processArtistPayment,
        { eid: "AB4002", artist_profile_id: artist.artist_profile_id, amount: 1, currency: "USD" },
        { edge: new LocalEdgeFunctions(db.sql), idempotencyKey: "k3" },
      ),
    );
    expect(error).toMatchObject({ code: "UPSTREAM" });
    expect(error.message).toContain("no ready payout account");
    expect(await paymentCount(artist.artist_profile_id)).toBe(before);
  });
});

describe("send_payment_reminder", () => {
  it("queues one reminder to an owed artist whose payout account is not ready, by email", async () => {
    const artist = (await owedAt("AB4002")).find((row) => row.account !== "ready");
    if (!artist) throw new Error("AB4002 has an owed artist without a ready account");
    const result = await runWriteTool<PaymentReminderResult>(
      db.sql,
      sendPaymentReminder,
      { eid: "AB4002", artist_profile_id: artist.artist_profile_id },
      { edge: new LocalEdgeFunctions(db.sql), idempotencyKey: "remind-1" },
    );
    expect(result).toMatchObject({
      owed: artist.owed,
      currency: "USD",
      payout_account: artist.account ?? "not set up",
    });
    const queued = await db.sql<{ channel: string; destination: string; type: string; events: string[] }[]>`
      select channel, destination, metadata->>'type' as type, metadata->'recent_events' as events
      from message_queue where metadata->>'idempotency_key' = 'remind-1'`;
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({
      channel: result.method,
      type: "payment_setup_reminder",
      events: ["AB4002"],
    });
    expect(queued[0]?.destination).toBe(result.sent_to_email ?? result.sent_to_phone);
    const [logged] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from payment_setup_invitations
      where artist_profile_id = ${artist.artist_profile_id} and invitation_type = 'reminder'
        and delivery_metadata->>'message_queue_id' = ${result.message_queue_id}`;
    expect(logged?.n).toBe(1);
  });

  it("refuses when nothing is owed for the event or the account is ready", async () => {
    const edge = new LocalEdgeFunctions(db.sql);
    const [paidUp] = await db.sql<{ id: string }[]>`
      select ap.id from artist_profiles ap where not exists (
        select 1 from art a join events e on e.id = a.event_id where a.artist_id = ap.id and e.eid = 'AB4001')
      limit 1`;
    const nothing = await refusalOf(
      runWriteTool(
        db.sql,
        sendPaymentReminder,
        { eid: "AB4001", artist_profile_id: paidUp?.id },
        { edge, idempotencyKey: "r2" },
      ),
    );
    expect(nothing.message).toContain("owed nothing for AB4001");
    const ready = (await owedAt("AB4001")).find((row) => row.account === "ready");
    const refused = await refusalOf(
      runWriteTool(
        db.sql,
        sendPaymentReminder,
        { eid: "AB4001", artist_profile_id: ready?.artist_profile_id },
        { edge, idempotencyKey: "r3" },
      ),
    );
    expect(refused.message).toContain("already ready");
    const [queued] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from message_queue where metadata->>'idempotency_key' in ('r2', 'r3')`;
    expect(queued?.n).toBe(0);
  });
});

describe("get_payment_status_health", () => {
  it("lists each artist owed for the event with no payout under way, and counts by status", async () => {
    const result = await runReadTool<PaymentStatusHealthResult>(db.sql, getPaymentStatusHealth, {
      eid: "AB4001",
    });
    const inFlight = await db.sql<{ id: string }[]>`
      select distinct p.artist_profile_id as id from artist_payments p left join art pa on pa.id = p.art_id
      join events e on e.eid = 'AB4001'
      where p.status in ('pending', 'processing') and coalesce(pa.event_id::text, p.metadata->>'event_id') = e.id::text`;
    const waiting = (await owedAt("AB4001")).filter(
      (row) => !inFlight.some((f) => f.id === row.artist_profile_id),
    );
    expect(waiting.length).toBeGreaterThan(0);
    expect(
      result.owed_without_payout.map((r) => [r.artist_profile_id, r.owed, r.payout_account]).sort(),
    ).toEqual(waiting.map((r) => [r.artist_profile_id, r.owed, r.account ?? "not set up"]).sort());
    expect(result.healthy).toBe(false);
    expect(result.issues.join(" ")).toContain(`${waiting.length} artist balance(s) owed`);
    const art = await db.sql<{ status: string; artworks: number }[]>`
      select a.status::text as status, count(*)::int as artworks from art a join events e on e.id = a.event_id
      where e.eid = 'AB4001' group by 1 order by 1`;
    expect(result.art_by_status.map(({ status, artworks }) => ({ status, artworks }))).toEqual(art);
  });

  it("finds a payout stuck in processing, one paid without webhook and a recent failure", async () => {
    const [event] = await db.sql<{ id: string }[]>`select id from events where eid = 'AB4002'`;
    const [artist] = await db.sql<{ id: string }[]>`
      select a.artist_id as id from art a where a.event_id = ${event?.id ?? null} and a.artist_id is not null limit 1`;
    const meta = db.sql.json({ event_id: event?.id ?? null });
    await db.sql`
      insert into artist_payments (artist_profile_id, gross_amount, net_amount, currency, status, metadata, created_at, updated_at, paid_at)
      values (${artist?.id ?? null}, 5, 5, 'USD', 'processing', ${meta}, now() - interval '20 minutes', now() - interval '20 minutes', null),
             (${artist?.id ?? null}, 6, 6, 'USD', 'paid', ${meta}, now() - interval '1 hour', now() - interval '1 hour', now() - interval '1 hour'),
             (${artist?.id ?? null}, 7, 7, 'USD', 'failed', ${meta}, now() - interval '2 hours', now() - interval '2 hours', null),
             (${artist?.id ?? null}, 8, 8, 'USD', 'processing', ${meta}, now() - interval '1 minute', now() - interval '1 minute', null)`;
    const result = await runReadTool<PaymentStatusHealthResult>(db.sql, getPaymentStatusHealth, {
      eid: "AB4002",
    });
    expect(result.stuck_processing.map((p) => p.amount)).toEqual(["5.00"]);
    expect(result.missing_webhook.map((p) => p.amount)).toContain("6.00");
    expect(result.recent_failures.map((p) => p.amount)).toContain("7.00");
    expect(result.healthy).toBe(false);
    await expect(runReadTool(db.sql, getPaymentStatusHealth, { eid: "AB9999" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });
});
